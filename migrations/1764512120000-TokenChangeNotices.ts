import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every API process may keep the principals of the tokens it has seen (TokenCache) only while it hears of
 * every change to them: these triggers notify the channel `auth_tokens` (delivered at commit, to every
 * process that LISTENs) with the hash of a token that stops meaning what it meant — a user's token
 * revoked or reissued, or the user renamed, given another role or deleted; an integration key revoked,
 * its scopes or name changed, or the integration deleted. A TRUNCATE of either table notifies `*`
 * (forget every token).
 */
export class TokenChangeNotices1764512120000 implements MigrationInterface {
  name = 'TokenChangeNotices1764512120000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE FUNCTION notify_user_token_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF OLD.token_hash IS NULL THEN
          RETURN NULL;
        END IF;
        IF TG_OP = 'DELETE' THEN
          PERFORM pg_notify('auth_tokens', OLD.token_hash);
        ELSIF NEW.token_hash IS DISTINCT FROM OLD.token_hash OR NEW.role IS DISTINCT FROM OLD.role OR NEW.name IS DISTINCT FROM OLD.name THEN
          PERFORM pg_notify('auth_tokens', OLD.token_hash);
        END IF;
        RETURN NULL;
      END
      $$
    `);
    await db.query(`
      CREATE FUNCTION notify_integration_key_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          PERFORM pg_notify('auth_tokens', OLD.key_hash);
        ELSIF NEW.key_hash IS DISTINCT FROM OLD.key_hash OR NEW.revoked_at IS DISTINCT FROM OLD.revoked_at
              OR NEW.scopes IS DISTINCT FROM OLD.scopes OR NEW.name IS DISTINCT FROM OLD.name THEN
          PERFORM pg_notify('auth_tokens', OLD.key_hash);
        END IF;
        RETURN NULL;
      END
      $$
    `);
    await db.query(`
      CREATE FUNCTION notify_all_tokens_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('auth_tokens', '*');
        RETURN NULL;
      END
      $$
    `);
    await db.query(`CREATE TRIGGER users_token_change AFTER UPDATE OR DELETE ON users FOR EACH ROW EXECUTE FUNCTION notify_user_token_change()`);
    await db.query(`CREATE TRIGGER users_truncate AFTER TRUNCATE ON users FOR EACH STATEMENT EXECUTE FUNCTION notify_all_tokens_changed()`);
    await db.query(
      `CREATE TRIGGER integrations_key_change AFTER UPDATE OR DELETE ON integrations FOR EACH ROW EXECUTE FUNCTION notify_integration_key_change()`,
    );
    await db.query(`CREATE TRIGGER integrations_truncate AFTER TRUNCATE ON integrations FOR EACH STATEMENT EXECUTE FUNCTION notify_all_tokens_changed()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TRIGGER integrations_truncate ON integrations`);
    await db.query(`DROP TRIGGER integrations_key_change ON integrations`);
    await db.query(`DROP TRIGGER users_truncate ON users`);
    await db.query(`DROP TRIGGER users_token_change ON users`);
    await db.query(`DROP FUNCTION notify_all_tokens_changed()`);
    await db.query(`DROP FUNCTION notify_integration_key_change()`);
    await db.query(`DROP FUNCTION notify_user_token_change()`);
  }
}
