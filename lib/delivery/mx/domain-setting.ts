/** A number with overrides for some recipient domains, such as a concurrency limit. */
export interface DomainSetting {
  /** Value for every domain that `perDomain` does not list. */
  default?: number;
  /**
   * Values by recipient domain: lowercase, internationalised names in A-labels (`xn--…`). A domain
   * matches only itself, so `gmail.com` does not cover `mail.gmail.com`.
   */
  perDomain?: Record<string, number>;
}

/** Returns the value of `setting` for `domain`, or `fallback` when neither an override nor a default is set. */
export function settingFor(setting: DomainSetting | undefined, domain: string, fallback: number): number {
  const override = setting?.perDomain?.[domain.toLowerCase()];
  return override ?? setting?.default ?? fallback;
}

/** Lists what is wrong with `setting`, one `name.key: problem` line each. Every value must be a positive integer. */
export function domainSettingProblems(name: string, setting: DomainSetting | undefined): string[] {
  if (setting === undefined) return [];
  if (typeof setting !== 'object' || setting === null) return [`${name}: must be { default?: number, perDomain?: { [domain]: number } }`];

  const problems: string[] = [];
  if (setting.default !== undefined && !isPositiveInteger(setting.default)) {
    problems.push(`${name}.default: must be a positive integer, got ${String(setting.default)}`);
  }
  for (const [domain, value] of Object.entries(setting.perDomain ?? {})) {
    if (domain !== domain.toLowerCase()) problems.push(`${name}.perDomain: domain "${domain}" must be lowercase`);
    if (!isPositiveInteger(value)) problems.push(`${name}.perDomain["${domain}"]: must be a positive integer, got ${String(value)}`);
  }
  return problems;
}

function isPositiveInteger(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}
