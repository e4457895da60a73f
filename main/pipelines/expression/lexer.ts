// Splits an expression into tokens, each with its 1-based column for error messages.
// Numbers, 'text' or "text" (backslash escapes), identifiers, `quoted names`, operators.
import { ExpressionSyntaxError } from './expressionErrors';

export type TokenKind = 'number' | 'string' | 'name' | 'quoted' | 'op' | 'end';

export interface Token {
  kind: TokenKind;
  /** the number's or string's value, the name, or the operator */
  text: string;
  value?: number;
  /** 1-based column where the token starts */
  column: number;
}

const OPERATORS = [
  '==',
  '!=',
  '<>',
  '<=',
  '>=',
  '+',
  '-',
  '*',
  '/',
  '%',
  '<',
  '>',
  '=',
  '(',
  ')',
  ',',
  '.',
];
const ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  '\\': '\\',
  "'": "'",
  '"': '"',
};

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < source.length) {
    const char = source[at]!;
    const column = at + 1;
    if (/\s/.test(char)) {
      at++;
      continue;
    }
    const number = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(source.slice(at));
    if (number && (/\d/.test(char) || (char === '.' && /\d/.test(source[at + 1] ?? '')))) {
      tokens.push({ kind: 'number', text: number[0], value: Number(number[0]), column });
      at += number[0].length;
      continue;
    }
    const name = /^[\p{L}_][\p{L}\p{N}_]*/u.exec(source.slice(at));
    if (name) {
      tokens.push({ kind: 'name', text: name[0], column });
      at += name[0].length;
      continue;
    }
    if (char === "'" || char === '"' || char === '`') {
      const [text, end] = readQuoted(source, at, char);
      tokens.push({ kind: char === '`' ? 'quoted' : 'string', text, column });
      at = end;
      continue;
    }
    const op = OPERATORS.find((candidate) => source.startsWith(candidate, at));
    if (!op) throw new ExpressionSyntaxError(`unexpected character "${char}"`, column);
    tokens.push({ kind: 'op', text: op, column });
    at += op.length;
  }
  tokens.push({ kind: 'end', text: '', column: source.length + 1 });
  return tokens;
}

/** The text between quotes starting at `start`, and the index after the closing quote. */
function readQuoted(source: string, start: number, quote: string): [string, number] {
  let text = '';
  let at = start + 1;
  while (at < source.length) {
    const char = source[at]!;
    if (char === quote) return [text, at + 1];
    if (char === '\\' && quote !== '`') {
      const next = source[at + 1];
      if (next === undefined || !(next in ESCAPES))
        throw new ExpressionSyntaxError(`unknown escape "\\${next ?? ''}"`, at + 1);
      text += ESCAPES[next];
      at += 2;
      continue;
    }
    text += char;
    at++;
  }
  const what = quote === '`' ? 'field name' : 'text';
  throw new ExpressionSyntaxError(`${what} has no closing ${quote}`, start + 1);
}
