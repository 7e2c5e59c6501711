import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * OAuth apps may register where RP-initiated logout returns the browser
 * (`post_logout_redirect_uris`, OpenID Connect RP-Initiated Logout §3.1). A JSON array like
 * `redirect_uris`; NULL on existing rows reads as none.
 */
export class AddPostLogoutRedirectUris1764900000000 implements MigrationInterface {
  name = 'AddPostLogoutRedirectUris1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('oauth_applications', new TableColumn({ name: 'post_logout_redirect_uris', type: 'text', isNullable: true }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('oauth_applications', 'post_logout_redirect_uris');
  }
}
