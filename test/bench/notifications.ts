/**
 * Benchmark (not a test): notifications sent per second through the service — outbox rows dispatched to
 * the `mail` Bull queue, each send claiming its row, rendering its template, sending through nodemailer
 * and recording `sent` with the message id — against a bare nodemailer loop sending the same rendered
 * messages with the same concurrency (4, the mail processor's) to the same in-process SMTP server
 * (`smtp-server`, accepting and discarding), in the same run. Service / loop is what the outbox, Bull and
 * the bookkeeping that makes a notification never lost and never sent twice cost.
 *
 *   npm run bench:notifications
 *
 * Environment: DATABASE_URL (a server where it may create and drop a scratch database; default
 * postgres://postgres@127.0.0.1:5432/postgres), REDIS_URL (default redis://127.0.0.1:6379),
 * BENCH_MESSAGES (each way, default 2000).
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import nodemailer from 'nodemailer';
import pg from 'pg';
import { SMTPServer } from 'smtp-server';
import { createWorkerContext } from '../../src/app.factory.js';
import { loadConfig } from '../../src/config/app-config.js';
import { prepareDatabase } from '../../src/database/prepare.js';
import { NotificationsService } from '../../src/notifications/notifications.service.js';
import { renderNotification } from '../../src/notifications/templates/index.js';

const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 2000);
const CONCURRENCY = 4;

const DATA = {
  guardianName: 'Pat Smith',
  participantFirstName: 'Robin',
  programmeName: 'Arts Pioneers',
  sessionDate: '2026-12-12',
  startTime: '10:00',
  endTime: '15:00',
  venue: 'Fitzwilliam Museum',
  reason: 'Venue closed: burst pipe',
};

async function smtpServer(): Promise<{ url: string; count: () => number; close: () => Promise<void> }> {
  let received = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      stream.on('data', () => undefined);
      stream.on('end', () => {
        received += 1;
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return { url: `smtp://127.0.0.1:${port}`, count: () => received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** The bare loop: CONCURRENCY loops each sending its share of the messages, one after another. */
async function bareLoop(url: string, provider: Parameters<typeof renderNotification>[2]): Promise<number> {
  const transport = nodemailer.createTransport({ url });
  const started = process.hrtime.bigint();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < MESSAGES) {
        const i = next++;
        const message = renderNotification('session_cancelled', DATA, provider);
        await transport.sendMail({ from: 'office@provider.example', to: `guardian-${i}@family.example`, ...message, messageId: `<bare-${i}@provider.example>` });
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  transport.close();
  return seconds;
}

async function main(): Promise<void> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  const database = `sb_bench_${randomBytes(4).toString('hex')}`;
  await admin.query(`CREATE DATABASE ${database}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  const databaseUrl = url.toString();
  const smtp = await smtpServer();
  const db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  try {
    await prepareDatabase(databaseUrl);
    const config = loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: databaseUrl,
      REDIS_URL,
      LOG_LEVEL: 'warn',
      BULL_PREFIX: `bench-${randomBytes(4).toString('hex')}`,
      SMTP_URL: smtp.url,
      MAIL_FROM: 'Bench <office@provider.example>',
      OUTBOX_SWEEP_INTERVAL_MS: '60000', // the bench dispatches itself
      BILLING_SCHEDULE: 'off',
    });

    const bareSeconds = await bareLoop(smtp.url, config.provider);
    const afterBare = smtp.count();

    const worker = await createWorkerContext(config);
    await worker.init();
    try {
      const { rows } = await db.query<{ id: string }>(
        `INSERT INTO notifications (kind, recipient, data)
         SELECT 'session_cancelled', 'guardian-' || n || '@family.example', $1::jsonb FROM generate_series(1, $2::int) AS n RETURNING id`,
        [JSON.stringify(DATA), MESSAGES],
      );
      const started = process.hrtime.bigint();
      await worker.get(NotificationsService).dispatch(rows.map((r) => r.id));
      for (;;) {
        const { rows: left } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM notifications WHERE status <> 'sent'`);
        if (left[0].n === 0) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      const serviceSeconds = Number(process.hrtime.bigint() - started) / 1e9;
      const delivered = smtp.count() - afterBare;
      const rate = (seconds: number) => Math.round(MESSAGES / seconds);
      console.log(`messages each way: ${MESSAGES}, concurrency ${CONCURRENCY}, in-process SMTP server (smtp-server)`);
      console.log(`bare nodemailer loop:          ${bareSeconds.toFixed(2)} s  ${rate(bareSeconds)} messages/s`);
      console.log(`service (outbox → Bull → SMTP): ${serviceSeconds.toFixed(2)} s  ${rate(serviceSeconds)} notifications/s  (${delivered} received, each once: ${delivered === MESSAGES})`);
      console.log(`service / bare: ${(rate(serviceSeconds) / rate(bareSeconds)).toFixed(2)}`);
    } finally {
      await worker.close();
    }
  } finally {
    await db.end();
    await smtp.close();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
