/** Small, explicit readers for configuration from the environment. */
export function envString(name: string, fallback?: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (value !== undefined && value !== '') return value;
  if (fallback !== undefined) return fallback;
  throw new Error(`configuration ${name} is required`);
}

export function envInt(name: string, fallback: number, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n)) throw new Error(`configuration ${name} must be a whole number, got "${raw}"`);
  return n;
}

export function envBool(name: string, fallback: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new Error(`configuration ${name} must be true or false, got "${raw}"`);
}

/**
 * One or more http(s) base URLs, comma-separated: the instances of a service that runs as
 * several (`http://10.0.0.5:8084,http://10.0.0.6:8084`). A URL that does not parse names the
 * variable and the entry.
 */
export function envUrls(name: string, fallback: string, env: NodeJS.ProcessEnv = process.env): URL[] {
  const raw = envString(name, fallback, env);
  const entries = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (entries.length === 0) throw new Error(`configuration ${name} must list at least one URL`);
  return entries.map((entry) => {
    let url: URL;
    try {
      url = new URL(entry);
    } catch {
      throw new Error(`configuration ${name} holds "${entry}", which is not a URL (http://host:port)`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`configuration ${name} holds "${entry}": only http and https URLs are served`);
    return url;
  });
}

/**
 * Connections each service keeps to Postgres at most (DATABASE_POOL_SIZE, default 10, as pg's
 * own default): with N instances of six services, size it so that all of them stay inside
 * Postgres's max_connections.
 */
export function databasePoolSize(env: NodeJS.ProcessEnv = process.env): number {
  return envInt('DATABASE_POOL_SIZE', 10, env);
}
