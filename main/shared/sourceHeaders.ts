// The headers every produced message carries, so any consumer can prove that nothing was lost
// or duplicated: the dataset file the row came from and the row's index in the dataset.

export const SOURCE_FILE_HEADER = 'source.file';
export const SOURCE_ROW_HEADER = 'source.row';
