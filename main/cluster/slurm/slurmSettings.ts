// Where a stream's workers run (this machine or a SLURM cluster) and the SLURM options the app's
// stream form sets: one definition for the form's checks, the engine's and the batch script's
// (workerArrayScript.ts checks the CLI's flags with the same patterns). Pure — zod only — so the
// renderer's bundle can hold it.
import { z } from 'zod';

export const WORKER_HOSTS = ['local', 'slurm'] as const;
export type WorkerHost = (typeof WORKER_HOSTS)[number];

export const PARTITION_PATTERN = /^[A-Za-z0-9_.,-]+$/;
export const TIME_LIMIT_PATTERN = /^(\d+(-\d+)?(:\d+){0,2}|UNLIMITED|INFINITE)$/i;
/** letters, digits, / . _ - + ~, $VARIABLES and %a: nothing that could run a command */
export const DATA_DIR_PATTERN = /^[A-Za-z0-9_./%${}~+-]+$/;
/** task N listens on base + N, for up to 1000 tasks */
export const MAX_WEB_PORT_BASE = 65535 - 1000;

export const slurmSettingsSchema = z.object({
  /** default: this machine's worker supervisor */
  workersOn: z
    .enum(WORKER_HOSTS, { error: 'choose "local" (this machine) or "slurm" (a SLURM cluster)' })
    .optional(),
  /** SLURM partition (default: the cluster's default) */
  slurmPartition: z
    .string()
    .regex(PARTITION_PATTERN, 'a partition name is letters, digits, "_", ".", "," and "-"')
    .optional(),
  /** SLURM time limit per task */
  slurmTime: z
    .string()
    .regex(TIME_LIMIT_PATTERN, 'use minutes, hh:mm:ss or d-hh:mm:ss (e.g. 2:00:00)')
    .optional(),
  /** each task's data dir, %a being the task id (default <job dir>/data/worker-%a) */
  slurmDataDirPattern: z
    .string()
    .regex(
      /%a/,
      "add %a (the task id) so each task has its own data dir, e.g. '/scratch/$USER/ps-%a'",
    )
    .regex(DATA_DIR_PATTERN, 'use letters, digits, / . _ - + ~, $VARIABLES and %a only')
    .optional(),
  /** task N's web port is this plus N (default 6066) */
  slurmWebPortBase: z
    .number()
    .int('enter a whole port number')
    .min(1024, 'choose a port from 1024')
    .max(MAX_WEB_PORT_BASE, `choose a port up to ${MAX_WEB_PORT_BASE}, leaving room for 1000 tasks`)
    .optional(),
});
export type SlurmSettings = z.infer<typeof slurmSettingsSchema>;
