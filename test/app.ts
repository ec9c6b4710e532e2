import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../src/app.js';
import type { Config } from '../src/config.js';
import type { Db } from '../src/db/database.js';
import { DEMO_PASSWORD } from '../src/demo.js';
import { memoryMailer } from '../src/shared/mailer.js';
import { testConfig } from './config.js';
import { createTestDatabase, type Engine } from './databases.js';

export interface TestApp {
  app: FastifyInstance;
  db: Db;
  mailer: ReturnType<typeof memoryMailer>;
  close(): Promise<void>;
}

export async function createTestApp(
  engine: Engine,
  options: { demo?: boolean; config?: Partial<Config> } = {},
): Promise<TestApp> {
  const { db, drop } = await createTestDatabase(engine, { demo: options.demo });
  const mailer = memoryMailer();
  const app = await buildApp({ config: testConfig(options.config), db, mailer });
  await app.ready();
  return {
    app,
    db,
    mailer,
    close: async () => {
      await app.close();
      await drop();
    },
  };
}

/** Cookies a response set, as a Cookie header merged over previous ones. */
export function mergeCookies(previous: string, response: LightMyRequestResponse): string {
  const jar = new Map(
    previous
      .split('; ')
      .filter(Boolean)
      .map((c) => [c.slice(0, c.indexOf('=')), c.slice(c.indexOf('=') + 1)] as [string, string]),
  );
  for (const c of response.cookies) {
    if (c.value === '' || (c.maxAge !== undefined && c.maxAge <= 0)) jar.delete(c.name);
    else jar.set(c.name, c.value);
  }
  return [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
}

/** A browser-like session: cookies kept between requests, CSRF token read from the pages. */
export class Browser {
  cookies = '';
  csrf = '';
  constructor(readonly app: FastifyInstance) {}

  async get(url: string, headers: Record<string, string> = {}) {
    const res = await this.app.inject({
      method: 'GET',
      url,
      headers: { cookie: this.cookies, accept: 'text/html', ...headers },
    });
    this.cookies = mergeCookies(this.cookies, res);
    const token = res.body.match(/name="_csrf" value="([^"]+)"/);
    if (token) this.csrf = token[1]!;
    return res;
  }

  async post(url: string, form: Record<string, string>, options: { csrf?: boolean } = {}) {
    const body = new URLSearchParams({
      ...(options.csrf === false ? {} : { _csrf: this.csrf }),
      ...form,
    }).toString();
    const res = await this.app.inject({
      method: 'POST',
      url,
      payload: body,
      headers: {
        cookie: this.cookies,
        accept: 'text/html',
        'content-type': 'application/x-www-form-urlencoded',
      },
    });
    this.cookies = mergeCookies(this.cookies, res);
    return res;
  }

  async api(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown) {
    return this.app.inject({
      method,
      url,
      ...(payload !== undefined ? { payload: payload as object } : {}),
      headers: { cookie: this.cookies, 'x-csrf-token': this.csrf, accept: 'application/json' },
    });
  }

  async login(email: string, password = DEMO_PASSWORD) {
    await this.get('/connexion');
    const res = await this.post('/connexion', { email, password });
    if (res.statusCode !== 303) throw new Error(`login failed for ${email}: ${res.statusCode}`);
    await this.get('/');
    return this;
  }
}
