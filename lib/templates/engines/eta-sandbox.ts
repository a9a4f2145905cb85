import vm from 'node:vm';
import { callEtaFunction, ETA_FUNCTION_NAMES } from './eta-functions.js';
import { TEMPLATE_PARTS, TemplatePart, TemplateParts, TemplateRenderError } from './template-parts.js';
import { isVmTimeout, TimeLimitExceededError } from './time-limit.js';

/**
 * Maximum length of one rendered part, in characters. It bounds the memory of a template that
 * loops over its own output and is far above the size of real messages.
 */
export const MAX_PART_LENGTH = 5_000_000;

const RENDER = new vm.Script('__render(__input)', { filename: 'eta-render.vm' });

type SandboxResult = { output: string[] } | { failed: number; message: string };

/**
 * Runs the checked function bodies of one eta version in a `node:vm` context of its own. The
 * context has JavaScript's built-ins and no Node globals (`process`, `require`, `Buffer`). Code
 * generation from strings (`eval`, `Function`) is off. Template data is parsed from JSON inside
 * the context, so no host object is reachable, and every render runs under a time limit. The
 * sandbox is defence in depth, because the safety boundary is the check in `checkEtaBody`.
 */
export class EtaSandbox {
  private readonly context: vm.Context;

  /** `bodies` are the checked function bodies of each part, in {@link TEMPLATE_PARTS} order. */
  constructor(
    bodies: TemplateParts,
    private readonly timeoutMs: number,
  ) {
    // The global object reads through to this object, so it must not inherit the host's
    // Object.prototype: `globalThis.constructor` would be the host's Object, and its constructor
    // the host's Function.
    const globals = Object.assign(Object.create(null) as Record<string, unknown>, { __call: callEtaFunction });
    this.context = vm.createContext(globals, { codeGeneration: { strings: false, wasm: false } });
    const setup = new vm.Script(sandboxSource(TEMPLATE_PARTS.map((part) => bodies[part])), { filename: 'eta-template.vm' });
    setup.runInContext(this.context, { timeout: timeoutMs });
  }

  /** Renders every part with `data`; throws {@link TemplateRenderError} naming the part that failed. */
  render(data: Record<string, unknown>): TemplateParts {
    let input: string;
    try {
      input = JSON.stringify(data);
    } catch (error) {
      throw new TemplateRenderError(TEMPLATE_PARTS[0], error);
    }

    const result = this.run(input);
    if ('failed' in result) throw new TemplateRenderError(partAt(result.failed), result.message);

    const output = {} as TemplateParts;
    TEMPLATE_PARTS.forEach((part, index) => (output[part] = result.output[index] ?? ''));
    return output;
  }

  private run(input: string): SandboxResult {
    this.context.__input = input;
    try {
      return JSON.parse(RENDER.runInContext(this.context, { timeout: this.timeoutMs }) as string) as SandboxResult;
    } catch (error) {
      const part = partAt(this.context.__part);
      if (isVmTimeout(error)) throw new TemplateRenderError(part, new TimeLimitExceededError(this.timeoutMs));
      throw new TemplateRenderError(part, error);
    } finally {
      this.context.__input = undefined;
    }
  }
}

function partAt(index: unknown): TemplatePart {
  return TEMPLATE_PARTS[typeof index === 'number' ? index : 0] ?? TEMPLATE_PARTS[0];
}

/**
 * Returns the script that defines `__render(input)` in the context. The functions templates may
 * call are closures over the host's `__call`, made in a scope of their own. The script removes
 * `__call` from the global object and turns an error of the host into an error of the context.
 * So no template code can reach a host function or a host object. `__eta` mirrors
 * the object of eta's generated code, with `undefined` and `null` written as '' and a length check
 * on every write of the output.
 */
function sandboxSource(bodies: string[]): string {
  const functions = ETA_FUNCTION_NAMES.map((name) => `  ${name}: (...args) => guard(() => call(${JSON.stringify(name)}, args)),`).join('\n');
  const parts = bodies.map((body) => `    function (it) {\n      const __eta = __output();\n${body}\n      return __eta.res;\n    },`).join('\n');

  return `'use strict';
const { ${ETA_FUNCTION_NAMES.join(', ')} } = ((call) => {
  const guard = (task) => {
    try {
      return task();
    } catch (error) {
      throw new Error(String(error && error.message));
    }
  };
  return {
${functions}
  };
})(globalThis.__call);
delete globalThis.__call;
const __render = (() => {
  const __entities = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
  const __escape = (value) => String(value).replace(/[&<>"']/g, (character) => __entities[character]);
  const __filter = (value) => (value === undefined || value === null ? '' : String(value));
  const __output = () => {
    let text = '';
    return {
      get res() { return text; },
      set res(value) {
        if (value.length > ${MAX_PART_LENGTH}) throw new RangeError('the output is longer than ${MAX_PART_LENGTH} characters');
        text = value;
      },
      e: __escape,
      f: __filter,
    };
  };
  const __parts = [
${parts}
  ];
  return (input) => {
    const data = JSON.parse(input);
    const output = [];
    for (let index = 0; index < __parts.length; index += 1) {
      globalThis.__part = index;
      try {
        output.push(__parts[index](data));
      } catch (error) {
        return JSON.stringify({ failed: index, message: String(error && error.message !== undefined ? error.message : error) });
      }
    }
    return JSON.stringify({ output });
  };
})();
`;
}
