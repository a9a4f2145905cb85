import { ETA_FUNCTION_NAMES } from './eta-functions.js';

/**
 * Kind of a name: template data and constant values (`value`), `let` variables that always
 * contain numbers (`number`), constants that contain numbers (`numberConstant`), callable
 * functions (`function`) or the output object of eta's generated code (`output`).
 */
export type Binding = 'value' | 'number' | 'numberConstant' | 'function' | 'output';

/** The output object in the code eta generates: `__eta.res += …`, `__eta.e(…)`, `__eta.f(…)`. */
const OUTPUT = '__eta';

/** Names visible to every template. */
export const GLOBALS = new Map<string, Binding>([
  ['it', 'value'],
  ['undefined', 'value'],
  ['NaN', 'numberConstant'],
  ['Infinity', 'numberConstant'],
  [OUTPUT, 'output'],
  ...ETA_FUNCTION_NAMES.map((name): [string, Binding] => [name, 'function']),
]);

/** Properties that lead from a value to its prototype, its constructor or to functions that call code. */
export const DENIED_PROPERTIES = new Set([
  'constructor',
  'prototype',
  '__proto__',
  '__defineGetter__',
  '__defineSetter__',
  '__lookupGetter__',
  '__lookupSetter__',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toString',
  'toLocaleString',
  'valueOf',
  'call',
  'apply',
  'bind',
  'caller',
  'callee',
  'arguments',
]);

/**
 * Operators whose result is a number for any operands a template can have, because templates have
 * no BigInt values. Their result can index an array.
 */
export const NUMERIC_OPERATORS = new Set(['-', '*', '/', '%', '**', '|', '&', '^', '<<', '>>', '>>>']);

/** Rejection messages by ESTree node type. Other rejected types are named by their type. */
export const REJECTIONS: Record<string, string> = {
  ThisExpression: '"this" is not allowed',
  FunctionExpression: 'functions are not allowed',
  FunctionDeclaration: 'functions are not allowed',
  ArrowFunctionExpression: 'arrow functions are not allowed',
  ClassExpression: 'classes are not allowed',
  ClassDeclaration: 'classes are not allowed',
  NewExpression: '"new" is not allowed',
  ImportExpression: 'import() is not allowed',
  MetaProperty: 'import.meta and new.target are not allowed',
  WhileStatement: 'while loops are not allowed; use for…of, or a for loop with a condition',
  DoWhileStatement: 'do…while loops are not allowed; use for…of, or a for loop with a condition',
  ForInStatement: 'for…in loops are not allowed; use for…of',
  TaggedTemplateExpression: 'tagged templates are not allowed',
  ObjectExpression: 'object literals are not allowed',
  ObjectPattern: 'destructuring is not allowed',
  ArrayPattern: 'destructuring is not allowed',
  SpreadElement: 'spread syntax is not allowed',
  TryStatement: 'try…catch is not allowed',
  ThrowStatement: 'throw is not allowed',
  ReturnStatement: 'return is not allowed',
  LabeledStatement: 'labels are not allowed',
  SwitchStatement: 'switch is not allowed; use if…else',
  WithStatement: 'with is not allowed',
  AwaitExpression: 'await is not allowed',
  YieldExpression: 'yield is not allowed',
  Super: 'super is not allowed',
  PrivateIdentifier: 'private names are not allowed',
};
