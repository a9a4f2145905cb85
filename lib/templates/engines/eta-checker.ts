import { parse } from 'acorn';
import type { AnyNode, AssignmentExpression, CallExpression, Expression, ForStatement, MemberExpression, Node, VariableDeclaration } from 'acorn';
import { ETA_FUNCTION_NAMES, NUMERIC_ETA_FUNCTIONS } from './eta-functions.js';
import { type Binding, DENIED_PROPERTIES, GLOBALS, NUMERIC_OPERATORS, REJECTIONS } from './eta-subset.js';
import { errorMessage } from './template-parts.js';

/** Thrown when the compiled code of an eta template leaves the allowed subset of JavaScript. */
export class EtaCheckError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EtaCheckError';
  }
}

const SNIPPET_LENGTH = 60;

/**
 * Checks the function body that eta compiles from a template against a safe subset of
 * JavaScript, and throws {@link EtaCheckError} naming the first construct outside it.
 *
 * Allowed: literals (no regular expressions or BigInts), `it` and the variables a template
 * declares with `let` or `const`, array literals, template literals, operators, `if`, `for…of`,
 * `for` loops with a condition, `break` and `continue`, reads of non-computed properties except
 * the names that reach prototypes and constructors, computed reads with a string literal or a
 * numeric expression, calls of {@link ETA_FUNCTION_NAMES} and the output calls eta generates.
 * `let` variables contain numbers only, so that computed reads cannot build a property name and
 * templates cannot double a string in a loop.
 */
export function checkEtaBody(body: string): void {
  let program;
  try {
    // The prologue makes the parse strict, as the sandbox runs the body.
    program = parse(`'use strict';${body}`, { ecmaVersion: 2022, sourceType: 'script' });
  } catch (error) {
    throw new EtaCheckError(`syntax error: ${errorMessage(error).replace(/ \(\d+:\d+\)$/, '')}`);
  }
  new EtaChecker(`'use strict';${body}`).program(program.body);
}

class EtaChecker {
  private readonly scopes: Array<Map<string, Binding>> = [GLOBALS];

  constructor(private readonly source: string) {}

  program(statements: AnyNode[]): void {
    this.inScope(() => statements.forEach((statement) => this.statement(statement)));
  }

  private statement(node: AnyNode): void {
    switch (node.type) {
      case 'ExpressionStatement':
        return this.expression(node.expression);
      case 'BlockStatement':
        return this.inScope(() => node.body.forEach((statement) => this.statement(statement)));
      case 'EmptyStatement':
        return;
      case 'IfStatement':
        this.expression(node.test);
        this.statement(node.consequent);
        if (node.alternate) this.statement(node.alternate);
        return;
      case 'ForStatement':
        return this.forStatement(node);
      case 'ForOfStatement':
        if (node.await) return this.reject(node, 'for await is not allowed');
        this.expression(node.right);
        return this.inScope(() => {
          const left = node.left;
          if (left.type !== 'VariableDeclaration' || left.declarations.length !== 1 || left.declarations[0]?.id.type !== 'Identifier') {
            return this.reject(left, 'a for…of loop must declare one variable, as in for (const item of it.items)');
          }
          this.declare(left.declarations[0].id.name, 'value', left);
          this.statement(node.body);
        });
      case 'VariableDeclaration':
        return this.declaration(node);
      case 'BreakStatement':
      case 'ContinueStatement':
        if (node.label) return this.reject(node, 'labels are not allowed');
        return;
      default:
        return this.rejectType(node);
    }
  }

  private forStatement(node: ForStatement): void {
    if (!node.test) return this.reject(node, 'a for loop needs a condition');
    this.inScope(() => {
      if (node.init?.type === 'VariableDeclaration') this.declaration(node.init);
      else if (node.init) this.expression(node.init);
      this.expression(node.test as Expression);
      if (node.update) this.expression(node.update);
      this.statement(node.body);
    });
  }

  private declaration(node: VariableDeclaration): void {
    if (node.kind !== 'let' && node.kind !== 'const') return this.reject(node, `${node.kind} is not allowed; use let or const`);

    for (const declarator of node.declarations) {
      if (declarator.id.type !== 'Identifier') return this.rejectType(declarator.id);
      if (!declarator.init) return this.reject(declarator, `the variable "${declarator.id.name}" needs an initial value`);

      this.expression(declarator.init);
      const numeric = this.isNumeric(declarator.init);
      if (node.kind === 'let' && !numeric) {
        return this.reject(declarator, `the let variable "${declarator.id.name}" must start as a number; use const for other values`);
      }
      let binding: Binding = numeric ? 'numberConstant' : 'value';
      if (node.kind === 'let') binding = 'number';
      this.declare(declarator.id.name, binding, declarator);
    }
  }

  private expression(node: AnyNode): void {
    switch (node.type) {
      case 'Literal':
        if (node.value instanceof RegExp || typeof node.value === 'bigint' || 'regex' in node || 'bigint' in node) {
          return this.reject(node, 'regular expression and BigInt literals are not allowed');
        }
        return;
      case 'Identifier':
        return this.identifier(node.name, node);
      case 'TemplateLiteral':
        return node.expressions.forEach((expression) => this.expression(expression));
      case 'ArrayExpression':
        return node.elements.forEach((element) => element && this.expression(element));
      case 'MemberExpression':
        return this.member(node);
      case 'ChainExpression':
        return this.expression(node.expression);
      case 'CallExpression':
        return this.call(node);
      case 'BinaryExpression':
      case 'LogicalExpression':
        this.expression(node.left);
        return this.expression(node.right);
      case 'ConditionalExpression':
        this.expression(node.test);
        this.expression(node.consequent);
        return this.expression(node.alternate);
      case 'UnaryExpression':
        if (node.operator === 'delete') return this.reject(node, '"delete" is not allowed');
        return this.expression(node.argument);
      case 'UpdateExpression':
        if (node.argument.type !== 'Identifier' || this.lookup(node.argument.name) !== 'number') {
          return this.reject(node, 'only let variables can be incremented or decremented');
        }
        return;
      case 'AssignmentExpression':
        return this.assignment(node);
      case 'SequenceExpression':
        return node.expressions.forEach((expression) => this.expression(expression));
      default:
        return this.rejectType(node);
    }
  }

  private identifier(name: string, node: Node): void {
    const binding = this.lookup(name);
    if (binding === undefined) {
      return this.reject(node, `"${name}" is not defined; templates read data from it and may call ${ETA_FUNCTION_NAMES.join(', ')}`);
    }
    if (binding === 'function') return this.reject(node, `the function "${name}" can only be called`);
    if (binding === 'output') return this.reject(node, `"${name}" is internal to eta`);
  }

  private member(node: MemberExpression): void {
    this.expression(node.object);

    const property = node.property;
    if (!node.computed) {
      if (property.type !== 'Identifier') return this.rejectType(property);
      return this.propertyName(property.name, property);
    }
    if (property.type === 'Literal' && typeof property.value === 'string') return this.propertyName(property.value, property);
    if (this.isNumeric(property)) return this.expression(property);
    return this.reject(property, 'a computed property must be a string literal or a number, such as it.items[0] or it.items[i]');
  }

  private propertyName(name: string, node: Node): void {
    if (DENIED_PROPERTIES.has(name)) this.reject(node, `the property "${name}" is not allowed`);
  }

  private call(node: CallExpression): void {
    if (node.optional) return this.reject(node, 'optional calls are not allowed');
    const callee = node.callee;
    const callable =
      (callee.type === 'Identifier' && this.lookup(callee.name) === 'function') ||
      (this.isOutput(callee) && callee.type === 'MemberExpression' && !callee.computed && callee.property.type === 'Identifier' && ['e', 'f'].includes(callee.property.name));
    if (!callable) {
      // Walking the callee first names a more precise problem, such as a denied property.
      this.expression(callee);
      return this.reject(callee, `only these functions can be called: ${ETA_FUNCTION_NAMES.join(', ')}`);
    }

    for (const argument of node.arguments) this.expression(argument);
  }

  private assignment(node: AssignmentExpression): void {
    const target = node.left;
    const output = this.isOutput(target) && target.type === 'MemberExpression' && !target.computed && target.property.type === 'Identifier' && target.property.name === 'res';
    if (output && node.operator === '+=') return this.expression(node.right);

    if (target.type !== 'Identifier' || this.lookup(target.name) !== 'number') {
      return this.reject(node, 'only let variables can be assigned');
    }
    this.expression(node.right);
    if (!this.isNumeric(node.right)) return this.reject(node.right, `the let variable "${target.name}" can only be assigned a number`);
  }

  /** Reports whether an expression evaluates to a number whatever the template's data is. */
  private isNumeric(node: AnyNode): boolean {
    switch (node.type) {
      case 'Literal':
        return typeof node.value === 'number';
      case 'Identifier': {
        const binding = this.lookup(node.name);
        return binding === 'number' || binding === 'numberConstant';
      }
      case 'UnaryExpression':
        return node.operator === '-' || node.operator === '+' || node.operator === '~';
      case 'UpdateExpression':
        return true;
      case 'BinaryExpression':
        if (NUMERIC_OPERATORS.has(node.operator)) return true;
        return node.operator === '+' && this.isNumeric(node.left) && this.isNumeric(node.right);
      case 'ConditionalExpression':
        return this.isNumeric(node.consequent) && this.isNumeric(node.alternate);
      case 'CallExpression':
        return node.callee.type === 'Identifier' && this.lookup(node.callee.name) === 'function' && NUMERIC_ETA_FUNCTIONS.has(node.callee.name);
      default:
        return false;
    }
  }

  private isOutput(node: AnyNode): boolean {
    return node.type === 'MemberExpression' && node.object.type === 'Identifier' && this.lookup(node.object.name) === 'output';
  }

  private lookup(name: string): Binding | undefined {
    for (let index = this.scopes.length - 1; index >= 0; index -= 1) {
      const binding = this.scopes[index]?.get(name);
      if (binding) return binding;
    }
    return undefined;
  }

  private declare(name: string, binding: Binding, node: Node): void {
    if (GLOBALS.has(name) || name.startsWith('__') || name === 'eval' || name === 'arguments') {
      return this.reject(node, `the name "${name}" is reserved`);
    }
    this.scopes[this.scopes.length - 1]?.set(name, binding);
  }

  private inScope(walk: () => void): void {
    this.scopes.push(new Map());
    try {
      walk();
    } finally {
      this.scopes.pop();
    }
  }

  private rejectType(node: Node): never {
    return this.reject(node, REJECTIONS[node.type] ?? `${node.type} is not allowed`);
  }

  private reject(node: Node, reason: string): never {
    const code = this.source.slice(node.start, node.end).replace(/\s+/g, ' ');
    const snippet = code.length > SNIPPET_LENGTH ? `${code.slice(0, SNIPPET_LENGTH)}…` : code;
    throw new EtaCheckError(`${reason} (in \`${snippet}\`)`);
  }
}
