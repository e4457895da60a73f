// Parses expression text into a tree, once, at compile time. Precedence, lowest first:
//   or · and · not · comparisons (= == != <> < <= > >=, not chained) · + - · * / % · unary - · primary
// primary: number, 'text', "text", true, false, null, field, `quoted field`, a.b path, f(args), (expr)
import { ExpressionSyntaxError } from './expressionErrors';
import { FUNCTION_ARITY } from './functions';
import { tokenize, type Token } from './lexer';

export type BinaryOp =
  '+' | '-' | '*' | '/' | '%' | '=' | '!=' | '<' | '<=' | '>' | '>=' | 'and' | 'or';

export type ExpressionNode =
  | { kind: 'literal'; value: string | number | boolean | null }
  | { kind: 'field'; name: string }
  | { kind: 'negate'; operand: ExpressionNode; column: number }
  | { kind: 'not'; operand: ExpressionNode; column: number }
  | { kind: 'binary'; op: BinaryOp; left: ExpressionNode; right: ExpressionNode; column: number }
  | { kind: 'call'; name: string; args: ExpressionNode[]; column: number };

const COMPARISONS: Record<string, BinaryOp> = {
  '=': '=',
  '==': '=',
  '!=': '!=',
  '<>': '!=',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
};
const KEYWORDS = new Set(['and', 'or', 'not', 'true', 'false', 'null']);

export function parseExpression(source: string): ExpressionNode {
  const parser = new Parser(tokenize(source));
  const node = parser.expression();
  parser.expectEnd();
  return node;
}

class Parser {
  private at = 0;
  constructor(private readonly tokens: Token[]) {}

  expression(): ExpressionNode {
    return this.or();
  }

  expectEnd(): void {
    const token = this.peek();
    if (token.kind !== 'end') throw this.unexpected(token, 'an operator or the end');
  }

  private or(): ExpressionNode {
    let left = this.and();
    while (this.isKeyword('or')) {
      const column = this.next().column;
      left = { kind: 'binary', op: 'or', left, right: this.and(), column };
    }
    return left;
  }

  private and(): ExpressionNode {
    let left = this.not();
    while (this.isKeyword('and')) {
      const column = this.next().column;
      left = { kind: 'binary', op: 'and', left, right: this.not(), column };
    }
    return left;
  }

  private not(): ExpressionNode {
    if (this.isKeyword('not')) {
      const column = this.next().column;
      return { kind: 'not', operand: this.not(), column };
    }
    return this.comparison();
  }

  private comparison(): ExpressionNode {
    const left = this.additive();
    const token = this.peek();
    const op = token.kind === 'op' ? COMPARISONS[token.text] : undefined;
    if (!op) return left;
    this.next();
    const node: ExpressionNode = {
      kind: 'binary',
      op,
      left,
      right: this.additive(),
      column: token.column,
    };
    const after = this.peek();
    if (after.kind === 'op' && COMPARISONS[after.text])
      throw new ExpressionSyntaxError(
        'comparisons do not chain — join them with "and"',
        after.column,
      );
    return node;
  }

  private additive(): ExpressionNode {
    let left = this.multiplicative();
    for (;;) {
      const token = this.peek();
      if (token.kind !== 'op' || (token.text !== '+' && token.text !== '-')) return left;
      this.next();
      left = {
        kind: 'binary',
        op: token.text,
        left,
        right: this.multiplicative(),
        column: token.column,
      };
    }
  }

  private multiplicative(): ExpressionNode {
    let left = this.unary();
    for (;;) {
      const token = this.peek();
      if (token.kind !== 'op' || !['*', '/', '%'].includes(token.text)) return left;
      this.next();
      const op = token.text as '*' | '/' | '%';
      left = { kind: 'binary', op, left, right: this.unary(), column: token.column };
    }
  }

  private unary(): ExpressionNode {
    const token = this.peek();
    if (token.kind === 'op' && token.text === '-') {
      this.next();
      return { kind: 'negate', operand: this.unary(), column: token.column };
    }
    return this.primary();
  }

  private primary(): ExpressionNode {
    const token = this.next();
    switch (token.kind) {
      case 'number':
        return { kind: 'literal', value: token.value! };
      case 'string':
        return { kind: 'literal', value: token.text };
      case 'quoted':
        return this.path(token.text);
      case 'name': {
        const word = token.text.toLowerCase();
        if (word === 'true' || word === 'false') return { kind: 'literal', value: word === 'true' };
        if (word === 'null') return { kind: 'literal', value: null };
        if (KEYWORDS.has(word)) throw this.unexpected(token, 'a value');
        if (this.isOp('(')) return this.call(token);
        return this.path(token.text);
      }
      case 'op':
        if (token.text === '(') {
          const inner = this.expression();
          this.expectOp(')', 'a closing ")"');
          return inner;
        }
        throw this.unexpected(token, 'a value');
      default:
        throw this.unexpected(token, 'a value');
    }
  }

  private path(first: string): ExpressionNode {
    const parts = [first];
    while (this.isOp('.')) {
      this.next();
      const part = this.next();
      if (part.kind !== 'name' && part.kind !== 'quoted')
        throw this.unexpected(part, 'a field name after "."');
      parts.push(part.text);
    }
    return { kind: 'field', name: parts.join('.') };
  }

  private call(nameToken: Token): ExpressionNode {
    const name = nameToken.text.toLowerCase();
    const arity = FUNCTION_ARITY[name];
    if (!arity)
      throw new ExpressionSyntaxError(`unknown function "${nameToken.text}"`, nameToken.column);
    this.next(); // (
    const args: ExpressionNode[] = [];
    if (!this.isOp(')')) {
      do {
        args.push(this.expression());
      } while (this.isOp(',') && this.next());
    }
    this.expectOp(')', 'a "," or a closing ")"');
    const [min, max] = arity;
    if (args.length < min || args.length > max) {
      const count =
        min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
      throw new ExpressionSyntaxError(
        `${name}() takes ${count} argument${min === 1 && max === 1 ? '' : 's'}, got ${args.length}`,
        nameToken.column,
      );
    }
    return { kind: 'call', name, args, column: nameToken.column };
  }

  private peek(): Token {
    return this.tokens[this.at]!;
  }

  private next(): Token {
    const token = this.tokens[this.at]!;
    if (token.kind !== 'end') this.at++;
    return token;
  }

  private isOp(text: string): boolean {
    const token = this.peek();
    return token.kind === 'op' && token.text === text;
  }

  private isKeyword(word: string): boolean {
    const token = this.peek();
    return token.kind === 'name' && token.text.toLowerCase() === word;
  }

  private expectOp(text: string, what: string): void {
    const token = this.peek();
    if (token.kind !== 'op' || token.text !== text) throw this.unexpected(token, what);
    this.next();
  }

  private unexpected(token: Token, expected: string): ExpressionSyntaxError {
    const found =
      token.kind === 'end'
        ? 'the end'
        : `"${token.kind === 'string' ? `'${token.text}'` : token.text}"`;
    return new ExpressionSyntaxError(`expected ${expected}, found ${found}`, token.column);
  }
}

/** Every field the expression reads, for validation against the fields a step receives. */
export function referencedFields(node: ExpressionNode): string[] {
  switch (node.kind) {
    case 'field':
      return [node.name];
    case 'negate':
    case 'not':
      return referencedFields(node.operand);
    case 'binary':
      return [...referencedFields(node.left), ...referencedFields(node.right)];
    case 'call':
      return node.args.flatMap(referencedFields);
    default:
      return [];
  }
}
