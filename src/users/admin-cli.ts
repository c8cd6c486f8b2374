import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { isEmail } from 'class-validator';
import { DataSource } from 'typeorm';
import { USER_TOKEN_PREFIX, hashSecret, newSecret } from '../auth/tokens.js';
import { loadConfig } from '../config/app-config.js';
import { dataSourceOptions } from '../database/data-source-options.js';
import { resolveDatabase } from '../database/database-url.js';
import { migrateUnderLock } from '../database/migrate.js';
import { insertUser } from './user.repository.js';

const USAGE = `Usage: npm run admin:create -- --email EMAIL [--name NAME]

Creates an administrator and prints their bearer token once (only its hash is stored). Use it when
nobody can administer the service (it was started without BOOTSTRAP_ADMIN_TOKEN) or the last
administrator's token is lost. Uses DATABASE_URL (or the embedded database when it is unset).
Exit status: 0 on success, 1 on failure, 2 on bad arguments.`;

/** `npm run admin:create`: an administrator from the command line, for whoever runs the service. */
async function main(): Promise<number> {
  let args: { email?: string; name?: string; help?: boolean };
  try {
    args = parseArgs({ options: { email: { type: 'string' }, name: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }).values;
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const name = (args.name ?? 'Administrator').trim();
  if (!args.email || !isEmail(args.email) || args.email.length > 320 || !name || name.length > 200) {
    process.stderr.write(`--email must be an email address and --name 1-200 characters\n\n${USAGE}\n`);
    return 2;
  }

  const { config, embedded } = await resolveDatabase(loadConfig(), () => undefined);
  const dataSource = new DataSource(dataSourceOptions(config.databaseUrl!, 2));
  try {
    await dataSource.initialize();
    await migrateUnderLock(dataSource);
    const token = newSecret(USER_TOKEN_PREFIX);
    const user = await insertUser(dataSource, { name, email: args.email, role: 'admin', tokenHash: hashSecret(token) });
    if (!user) {
      process.stderr.write(`A user with email ${args.email} already exists: choose another email\n`);
      return 1;
    }
    process.stdout.write(
      `Created administrator ${user.name} <${user.email}> (id ${user.id}).\n` +
        `Bearer token (shown once, only its hash is stored):\n${token}\n`,
    );
    return 0;
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await embedded?.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`Could not create the administrator: ${(error as Error)?.message ?? error}\n`);
    process.exit(1);
  },
);
