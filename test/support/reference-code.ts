import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import ts from 'typescript';

/** The text of ScaiSend's "Your First Integration" walk-through, kept beside the repository by default. */
export const REFERENCE_PATH = process.env.SCAISEND_REFERENCE_PATH ?? resolve(process.cwd(), '../shared/reference/scaisend-your-first-integration.txt');

const LANGUAGES = new Set(['python', 'typescript', 'bash']);
const PROSE_AFTER_CODE = /^(Key choices:|\d+\. [A-Z]|Or list all recent messages|See Messages and Events|Return 2xx within)/;

export interface CodeBlock {
  language: string;
  code: string;
}

/** Extracts the code blocks of the walk-through in page order: a language line, then the code until prose resumes. */
export function referenceCodeBlocks(): CodeBlock[] {
  const lines = readFileSync(REFERENCE_PATH, 'utf8').split('\n');
  const blocks: CodeBlock[] = [];
  let current: CodeBlock | null = null;
  for (const line of lines) {
    if (LANGUAGES.has(line.trim())) {
      if (current) blocks.push(current);
      current = { language: line.trim(), code: '' };
    } else if (current && PROSE_AFTER_CODE.test(line)) {
      blocks.push(current);
      current = null;
    } else if (current) {
      current.code += `${line}\n`;
    }
  }
  if (current) blocks.push(current);
  return blocks.map((block) => ({ ...block, code: block.code.trimEnd() + '\n' }));
}

/** Finds the one block of a language that contains `marker`. */
export function referenceBlock(language: string, marker: string): string {
  const block = referenceCodeBlocks().find((candidate) => candidate.language === language && candidate.code.includes(marker));
  if (!block) throw new Error(`No ${language} block containing "${marker}" in ${REFERENCE_PATH}`);
  return block.code;
}

/** Points the walk-through's code at another base URL: the only change it allows. */
export function withBaseUrl(code: string, baseUrl: string): string {
  const changed = code.replace('https://scaisend.scailabs.ai', baseUrl);
  if (changed === code) throw new Error('The code has no BASE_URL to change');
  return changed;
}

/** TypeScript to an ES module, as a user's build would emit it. */
export function transpile(code: string): string {
  return ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText;
}
