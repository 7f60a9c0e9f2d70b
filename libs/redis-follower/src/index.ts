export { followRedis, followCluster } from './follow';
export { CredentialFollower } from './credential-follower';
export type { FollowOptions, CredentialFollowerEvents } from './credential-follower';
export type { KafkaUpdates } from './kafka-listener';
export type { CredentialLocation, CredentialVersion, RedisCredential } from './credential';
export { applyToRedis, applyToCluster } from './apply-credential';
export { readCredential, readCredentialAt } from './read-credential';
export { readSecretsUpdated, announcementFor } from './secrets-updated';
export type { Announcement, Reading } from './secrets-updated';
