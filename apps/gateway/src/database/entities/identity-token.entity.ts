import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A bearer token of an identity. Only the SHA-256 of the token is kept; the token is shown once. */
@Entity({ name: 'identity_tokens' })
export class IdentityTokenEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'identity_id', type: 'uuid' })
  identityId!: string;

  @Column({ type: 'varchar', length: 64, default: '' })
  name!: string;

  @Column({ name: 'token_hash', type: 'char', length: 64, unique: true })
  tokenHash!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;
}
