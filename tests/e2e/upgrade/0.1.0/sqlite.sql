BEGIN TRANSACTION;
CREATE TABLE audit_log (
  id         INTEGER PRIMARY KEY,
  at         INTEGER NOT NULL,
  type       TEXT NOT NULL,
  user_id    TEXT,
  ip         TEXT NOT NULL DEFAULT '',
  user_agent TEXT NOT NULL DEFAULT '',
  data       TEXT NOT NULL DEFAULT '{}'
);
INSERT INTO "audit_log" VALUES(1,1796279265181,'signup','b60fcc89-2ca3-45fd-bb47-27beb3b517c1','127.0.0.1','','{}');
INSERT INTO "audit_log" VALUES(2,1796279265268,'signin','b60fcc89-2ca3-45fd-bb47-27beb3b517c1','127.0.0.1','','{}');
INSERT INTO "audit_log" VALUES(3,1796279265328,'signin','b60fcc89-2ca3-45fd-bb47-27beb3b517c1','127.0.0.1','','{}');
INSERT INTO "audit_log" VALUES(4,1796279265377,'signin','b60fcc89-2ca3-45fd-bb47-27beb3b517c1','127.0.0.1','','{}');
INSERT INTO "audit_log" VALUES(5,1796279265427,'signup','09b599fa-6886-4e7f-8d0e-e02c193145be','127.0.0.1','','{}');
INSERT INTO "audit_log" VALUES(6,1796279265482,'signin','09b599fa-6886-4e7f-8d0e-e02c193145be','127.0.0.1','','{}');
INSERT INTO "audit_log" VALUES(7,1796279265494,'mfa-totp-on','09b599fa-6886-4e7f-8d0e-e02c193145be','','','{}');
INSERT INTO "audit_log" VALUES(8,1796279265498,'mfa-recovery-codes','09b599fa-6886-4e7f-8d0e-e02c193145be','','','{}');
INSERT INTO "audit_log" VALUES(9,1796279265554,'signup','26736480-444a-41d1-834e-803d2055a533','127.0.0.1','','{}');
INSERT INTO "audit_log" VALUES(10,1796279265632,'signin','26736480-444a-41d1-834e-803d2055a533','127.0.0.1','','{}');
INSERT INTO "audit_log" VALUES(11,1796279265695,'signup','b90acbfd-defe-40cf-b4a9-e19385415178','127.0.0.1','','{}');
INSERT INTO "audit_log" VALUES(12,1796279265832,'signup','36e66192-7310-4bd7-81ed-3639992d9e6a','127.0.0.1','','{}');
INSERT INTO "audit_log" VALUES(13,1796279265953,'signup-phone-password','674b6cc6-d91e-4a6f-994d-546d10635d15','127.0.0.1','','{}');
INSERT INTO "audit_log" VALUES(14,1796279265963,'signup-sms','8dedeb32-61b4-4110-8426-ee277e663906','127.0.0.1','','{}');
INSERT INTO "audit_log" VALUES(15,1796279266198,'signup-oauth','669df8e6-1fda-4a13-8f2a-d54a63dce4f0','127.0.0.1','','{"provider":"google"}');
INSERT INTO "audit_log" VALUES(16,1796279266206,'signin-anonymous','8e70c7af-57af-4ccc-a096-b56646ab92e0','127.0.0.1','','{}');
CREATE TABLE identities (
  id               TEXT PRIMARY KEY,
  user_id          TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  provider         TEXT NOT NULL,
  provider_user_id TEXT NOT NULL,
  email            TEXT,
  data             TEXT NOT NULL DEFAULT '{}',
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL, access_token_encrypted TEXT NOT NULL DEFAULT '', refresh_token_encrypted TEXT NOT NULL DEFAULT '',
  UNIQUE (provider, provider_user_id)
);
INSERT INTO "identities" VALUES('18f5724f-286d-45a1-b995-c2c640b77f50','669df8e6-1fda-4a13-8f2a-d54a63dce4f0','google','google-sub-fay-0007','fay@upgrade.example.com','{"aud":"google-client-kAZZLODt","auth_time":1796279266,"email":"fay@upgrade.example.com","email_verified":true,"exp":1796279866,"family_name":"Google","given_name":"Fay","iat":1796279266,"iss":"http://127.0.0.1:45323","locale":"en","name":"Fay Google","picture":"http://127.0.0.1:45323/avatars/google-sub-fay-0007.png","sub":"google-sub-fay-0007"}',1796279266194,1796279266194,'','');
CREATE TABLE mfa_factors (
  id               TEXT PRIMARY KEY,
  user_id          TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  type             TEXT NOT NULL,
  secret_encrypted TEXT,
  created_at       INTEGER NOT NULL,
  verified_at      INTEGER
);
CREATE TABLE mfa_failures (
  user_id      TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  window_start INTEGER NOT NULL,
  failures     INTEGER NOT NULL
);
CREATE TABLE mfa_recovery_codes (
  user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  code_hash  TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  used_at    INTEGER,
  PRIMARY KEY (user_id, code_hash)
);
INSERT INTO "mfa_recovery_codes" VALUES('09b599fa-6886-4e7f-8d0e-e02c193145be','t1:6b7500613aabbc165a88acaeee690f452133e8c2990a62435f4a3ccf9c0d2e4f',1796279265498,NULL);
INSERT INTO "mfa_recovery_codes" VALUES('09b599fa-6886-4e7f-8d0e-e02c193145be','t1:e5bcab828204e32f0fc53b2ed420fdd48d5cbd10c47c3f37e3b18708f7a4b2f7',1796279265498,NULL);
INSERT INTO "mfa_recovery_codes" VALUES('09b599fa-6886-4e7f-8d0e-e02c193145be','t1:47bef590a0e8d9af4efe077eae06ebbcd6f4cab233322bb1940f9b7aa0457ecf',1796279265498,NULL);
INSERT INTO "mfa_recovery_codes" VALUES('09b599fa-6886-4e7f-8d0e-e02c193145be','t1:a63023bafc058e0246ea769a378f26bc06be3983a547068c9b5dfc02b0af3218',1796279265498,NULL);
INSERT INTO "mfa_recovery_codes" VALUES('09b599fa-6886-4e7f-8d0e-e02c193145be','t1:3df7406ebed5f419ab7cf9b7d2befea6b9e5696ee0e1f8863a640141b91c7c82',1796279265498,NULL);
INSERT INTO "mfa_recovery_codes" VALUES('09b599fa-6886-4e7f-8d0e-e02c193145be','t1:f61e1b8c3da03b18d599e8db8e094f8d2efdaa2f79c9860afed9bb251f65bac5',1796279265498,NULL);
INSERT INTO "mfa_recovery_codes" VALUES('09b599fa-6886-4e7f-8d0e-e02c193145be','t1:00acec95c8b40ffdc96c8f0cbb2a6c927289e8beda8a7e48b4690a081231687c',1796279265498,NULL);
INSERT INTO "mfa_recovery_codes" VALUES('09b599fa-6886-4e7f-8d0e-e02c193145be','t1:f9dd912ac9bd331d686760f9b15bf1e6c0042f90026a6691eb7a1396fa7dfcb3',1796279265498,NULL);
INSERT INTO "mfa_recovery_codes" VALUES('09b599fa-6886-4e7f-8d0e-e02c193145be','t1:c88fa437ae41711bce441c3e6f34f2f990c8dfefb2b80b6f5fae5d008d277274',1796279265498,NULL);
INSERT INTO "mfa_recovery_codes" VALUES('09b599fa-6886-4e7f-8d0e-e02c193145be','t1:1651c6dfd2f132b4fc0f4e6856283a1e6f8f2cfda914bf78227d419215a2825e',1796279265498,NULL);
CREATE TABLE mfa_used_totp_steps (
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  step    INTEGER NOT NULL,
  used_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, step)
);
INSERT INTO "mfa_used_totp_steps" VALUES('09b599fa-6886-4e7f-8d0e-e02c193145be',59875975,1796279265494);
INSERT INTO "mfa_used_totp_steps" VALUES('09b599fa-6886-4e7f-8d0e-e02c193145be',59875976,1796279265498);
CREATE TABLE oauth_grants (
  code_hash  TEXT PRIMARY KEY,
  user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  amr        TEXT NOT NULL DEFAULT '',
  provider   TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE TABLE oauth_requests (
  state_hash      TEXT PRIMARY KEY,
  provider        TEXT NOT NULL,
  code_verifier   TEXT NOT NULL DEFAULT '',
  nonce           TEXT NOT NULL DEFAULT '',
  redirect_to     TEXT NOT NULL DEFAULT '',
  options         TEXT NOT NULL DEFAULT '{}',
  connect_user_id TEXT REFERENCES users(id) ON DELETE CASCADE,
  created_at      INTEGER NOT NULL,
  expires_at      INTEGER NOT NULL
);
CREATE TABLE one_time_codes (
  id          TEXT PRIMARY KEY,
  user_id     TEXT REFERENCES users(id) ON DELETE CASCADE,
  purpose     TEXT NOT NULL,
  recipient   TEXT NOT NULL,
  code_hash   TEXT NOT NULL,
  data        TEXT NOT NULL DEFAULT '{}',
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL,
  attempts    INTEGER NOT NULL DEFAULT 0,
  consumed_at INTEGER
);
INSERT INTO "one_time_codes" VALUES('17ac3857-e987-4b30-9039-75bc29f68496','b60fcc89-2ca3-45fd-bb47-27beb3b517c1','email-verify','ada@upgrade.example.com','ce78311421de6a79e86bb8adbc027c9f01a9922a78f48fcc20b04e4b7f2a868c','{}',1796279265181,1796282865181,0,1796279265210);
INSERT INTO "one_time_codes" VALUES('aabd31c9-df2d-48d2-a745-300db7757eda','09b599fa-6886-4e7f-8d0e-e02c193145be','email-verify','bob@upgrade.example.com','5065d857c14a1648965d00aaca4d1455fa11be1d2d68e038c807b1ca47e2a48d','{}',1796279265427,1796282865427,0,1796279265439);
INSERT INTO "one_time_codes" VALUES('e74396b2-298f-4be9-9d64-a454506840c6','26736480-444a-41d1-834e-803d2055a533','email-verify','gina@upgrade.example.com','2095551ba18b9931f85864bafcbf5e51dd925bbc60875b0262447e3570f58d9c','{}',1796279265554,1796282865554,0,1796279265568);
INSERT INTO "one_time_codes" VALUES('a6dd7d72-cfa4-43f4-a7de-26d40d895549','b90acbfd-defe-40cf-b4a9-e19385415178','email-verify','carol@upgrade.example.com','b4b21ebbdaf638aaabdeb773340235e2ac9fd7bc4dbcb7b97bbe094913f49fbf','{}',1796279265695,1796282865695,0,1796279265712);
INSERT INTO "one_time_codes" VALUES('f550aa71-c76d-4556-86f0-83e8e0604174','b90acbfd-defe-40cf-b4a9-e19385415178','password-reset','carol@upgrade.example.com','c228f9b616a6334e1b01f584faebda99ef69bf64dc77758f6d0eeb30d0fc3288','{}',1796279265718,1796282865718,0,NULL);
INSERT INTO "one_time_codes" VALUES('bf8b42ed-f181-4db0-949d-9ab1e2db6a14','36e66192-7310-4bd7-81ed-3639992d9e6a','email-verify','dave@upgrade.example.com','8cd19c20e8802c6c46ff02e69605f633f765d66e9660db79698b0e605b4d5415','{}',1796279265832,1796282865832,0,NULL);
INSERT INTO "one_time_codes" VALUES('2e7b88c0-d541-4e12-a031-a1eee827a9f3','a033f5d4-3c55-40df-bd9c-a8566265721e','email-otp','erin@upgrade.example.com','f0a19f82735b571240c17323096a363082a8a14b3eeff3f60dde200a77a893c6','{}',1796279265848,1796282865848,0,NULL);
INSERT INTO "one_time_codes" VALUES('210c9ac3-31cf-4758-ac7d-6b3feee9da61',NULL,'sms-otp','+15005550102','5b29482815c8abc2832e52d3f9b87d2941de828e2f191aee7eb64b02473349bb','{}',1796279265963,1796282865963,0,NULL);
CREATE TABLE refresh_tokens (
  id         TEXT PRIMARY KEY,
  session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  user_id    TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  parent_id  TEXT,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  rotated_at INTEGER
);
INSERT INTO "refresh_tokens" VALUES('f3baff99-6ceb-4bf8-93cd-673bae1f35f7','6281d7d9-0211-46dd-8574-3fa040c6714f','b60fcc89-2ca3-45fd-bb47-27beb3b517c1','1336b18d478ac452b00f6b9c130c55ebb3f3dd0357732a952369b6a3f0c2b426',NULL,1796279265210,1798871265210,NULL);
INSERT INTO "refresh_tokens" VALUES('0af1784e-fb3c-4d6c-ac61-0aef2a01a631','f0c2b9bd-05be-4691-8764-7b2b836acdc1','b60fcc89-2ca3-45fd-bb47-27beb3b517c1','8b05e60952c07ef44c03b7f8d3ebf53fa0626cdfb1017a3bdabb53610886fd81',NULL,1796279265268,1798871265268,1796279265271);
INSERT INTO "refresh_tokens" VALUES('d909b56c-cf71-4eff-b685-9fb9691d9d57','f0c2b9bd-05be-4691-8764-7b2b836acdc1','b60fcc89-2ca3-45fd-bb47-27beb3b517c1','913649f288303d61a21769e9332a711f5db4840c963a44868ea7eddecd3c6805','0af1784e-fb3c-4d6c-ac61-0aef2a01a631',1796279265271,1798871265271,1796279265275);
INSERT INTO "refresh_tokens" VALUES('d355ca22-da70-4644-9f2e-054f52e1f2c4','f0c2b9bd-05be-4691-8764-7b2b836acdc1','b60fcc89-2ca3-45fd-bb47-27beb3b517c1','d075957dd3c2cb2e9b0c4e623f26220cab3e2268f758cac15364d7df280ecca8','d909b56c-cf71-4eff-b685-9fb9691d9d57',1796279265275,1798871265275,NULL);
INSERT INTO "refresh_tokens" VALUES('0d9d3633-c008-447f-ad0b-18e2e6b0def3','d2dd7158-cbec-4808-8696-818d0c7b201e','b60fcc89-2ca3-45fd-bb47-27beb3b517c1','41848c83779d37d245941d2186b9c3dbd13c56f739974d2ef4ef1c26f819373d',NULL,1796279265328,1798871265328,1796279265331);
INSERT INTO "refresh_tokens" VALUES('06134345-56c6-4b3a-bc9c-02b340d91ba4','d2dd7158-cbec-4808-8696-818d0c7b201e','b60fcc89-2ca3-45fd-bb47-27beb3b517c1','44a29a6fa2021bd8cd71cf9d112146dd10eb2c9542102ed21039dd19cd10baa7','0d9d3633-c008-447f-ad0b-18e2e6b0def3',1796279265331,1798871265331,NULL);
INSERT INTO "refresh_tokens" VALUES('f4061d64-0c9b-4705-a3a4-01e7eac5c823','2e2d6894-782d-4dd3-a47e-66a6cc8b8142','b60fcc89-2ca3-45fd-bb47-27beb3b517c1','3460db3e8e536183f56529bbdae21fd14211d4919f04efa9508903e125ecd604',NULL,1796279265377,1798871265377,NULL);
INSERT INTO "refresh_tokens" VALUES('fcce045c-e038-4c0e-ae55-524cf0834c85','ad906545-69cf-4aa4-9bd3-d70c6f1add9b','09b599fa-6886-4e7f-8d0e-e02c193145be','6eaf10ce200a392b915c4246b88b3dfcde96d63d95d45526241cfd248d079dbc',NULL,1796279265440,1798871265440,NULL);
INSERT INTO "refresh_tokens" VALUES('6f4e985f-2df5-417a-81c1-1ae61fa6fd47','1541d4ab-5576-4e86-aa50-3fed7d883dd8','09b599fa-6886-4e7f-8d0e-e02c193145be','0c967799b12d5121d963718f2f82025d3ac6ae857d5ddcf015c0036864f17876',NULL,1796279265482,1798871265482,NULL);
INSERT INTO "refresh_tokens" VALUES('3f864bb4-1e4f-4c2a-b0ec-df3c51e3c6fb','b596c35a-a3ca-4f25-9f4e-3f6f1f4a89a2','26736480-444a-41d1-834e-803d2055a533','74d0f2dd5b21d813e337098cdd334ec565788c2a0f50e8cc4ac36da28ba9b5ed',NULL,1796279265568,1798871265568,NULL);
INSERT INTO "refresh_tokens" VALUES('9cfda525-de94-4519-aabd-f28b9e7dae0a','5dd629fa-842a-4f12-858c-0b917d13721d','26736480-444a-41d1-834e-803d2055a533','385c1947e39212521fcac365e9432caa0b21e2ce88796ba42311241dd7e543e2',NULL,1796279265632,1798871265632,NULL);
INSERT INTO "refresh_tokens" VALUES('33a9df32-ebf4-473a-8f19-5bc527a93406','db70110d-4b5f-48ee-86d3-f1d594c69c5d','b90acbfd-defe-40cf-b4a9-e19385415178','bbe01ed3169a8a6c0bbb3b85894b1a25896fde2d7b7f219cce5553a54cd7a2d3',NULL,1796279265712,1798871265712,NULL);
INSERT INTO "refresh_tokens" VALUES('94321128-71d0-4b38-8895-fa4a87c08fce','ec2425e9-666e-459c-971c-d8a0d4d35082','674b6cc6-d91e-4a6f-994d-546d10635d15','85f2ac2e535a2765967919153feb28ac785ae5dea6dd23532f847d7d652956fe',NULL,1796279265953,1798871265953,NULL);
INSERT INTO "refresh_tokens" VALUES('2773479b-a5cd-48d1-a7bc-d15ae5e1f36c','42fe6ce9-b294-421d-9d51-c44709b3e815','669df8e6-1fda-4a13-8f2a-d54a63dce4f0','fc8bada9b2bec0654ff543803c4cc8c8808c0cc9677fc20c1a32c844cd13a49d',NULL,1796279266198,1798871266198,NULL);
INSERT INTO "refresh_tokens" VALUES('3d63eb8c-da19-4f9e-b461-bd266788e05e','5450351f-11d3-4b1a-bfdc-8ea3cd98a71f','8e70c7af-57af-4ccc-a096-b56646ab92e0','2e7cfeb18fcd65f0033a7c0553bb056ca5e4bea30acbcbfa853e8b0bc7284d14',NULL,1796279266206,1798871266206,NULL);
CREATE TABLE schema_migrations (
  version    INTEGER PRIMARY KEY,
  applied_at INTEGER NOT NULL
);
INSERT INTO "schema_migrations" VALUES(1,1796279264956);
INSERT INTO "schema_migrations" VALUES(2,1796279264958);
INSERT INTO "schema_migrations" VALUES(3,1796279264964);
CREATE TABLE secrets (
  name       TEXT PRIMARY KEY,
  value      TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
INSERT INTO "secrets" VALUES('refresh-token-derivation','ecd4c768b60b9d9cc959b675fbf4f6d5a452e672dad16081583c4079a4530b05',1796279264979);
INSERT INTO "secrets" VALUES('mfa-encryption-key','7f731e3f978d3334fcf2ae479da2568745a42b5ff5165a8f9caad72bda993caf',1796279264979);
INSERT INTO "secrets" VALUES('email-code-key','a179c5d8034a9fd1848d6b857b3db0f151cc748c12de3d8b14e900b81a0b4f4b',1796279264979);
INSERT INTO "secrets" VALUES('sms-code-key','e536fd85ccd108ebc08985cdaf561ee8b850b5dabc477d706081415629df3406',1796279264979);
CREATE TABLE sessions (
  id             TEXT PRIMARY KEY,
  user_id        TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at     INTEGER NOT NULL,
  refreshed_at   INTEGER NOT NULL,
  expires_at     INTEGER NOT NULL,
  user_agent     TEXT NOT NULL DEFAULT '',
  ip             TEXT NOT NULL DEFAULT '',
  aal            TEXT NOT NULL DEFAULT 'aal1',
  amr            TEXT NOT NULL DEFAULT '',
  revoked_at     INTEGER,
  revoked_reason TEXT NOT NULL DEFAULT ''
);
INSERT INTO "sessions" VALUES('6281d7d9-0211-46dd-8574-3fa040c6714f','b60fcc89-2ca3-45fd-bb47-27beb3b517c1',1796279265210,1796279265210,1798871265210,'','127.0.0.1','aal1','email',NULL,'');
INSERT INTO "sessions" VALUES('f0c2b9bd-05be-4691-8764-7b2b836acdc1','b60fcc89-2ca3-45fd-bb47-27beb3b517c1',1796279265268,1796279265275,1798871265275,'','127.0.0.1','aal1','password',NULL,'');
INSERT INTO "sessions" VALUES('d2dd7158-cbec-4808-8696-818d0c7b201e','b60fcc89-2ca3-45fd-bb47-27beb3b517c1',1796279265328,1796279265331,1798871265331,'','127.0.0.1','aal1','password',NULL,'');
INSERT INTO "sessions" VALUES('2e2d6894-782d-4dd3-a47e-66a6cc8b8142','b60fcc89-2ca3-45fd-bb47-27beb3b517c1',1796279265377,1796279265377,1798871265377,'','127.0.0.1','aal1','password',NULL,'');
INSERT INTO "sessions" VALUES('ad906545-69cf-4aa4-9bd3-d70c6f1add9b','09b599fa-6886-4e7f-8d0e-e02c193145be',1796279265440,1796279265440,1798871265440,'','127.0.0.1','aal1','email',NULL,'');
INSERT INTO "sessions" VALUES('1541d4ab-5576-4e86-aa50-3fed7d883dd8','09b599fa-6886-4e7f-8d0e-e02c193145be',1796279265482,1796279265482,1798871265482,'','127.0.0.1','aal1','password',NULL,'');
INSERT INTO "sessions" VALUES('b596c35a-a3ca-4f25-9f4e-3f6f1f4a89a2','26736480-444a-41d1-834e-803d2055a533',1796279265568,1796279265568,1798871265568,'','127.0.0.1','aal1','email',NULL,'');
INSERT INTO "sessions" VALUES('5dd629fa-842a-4f12-858c-0b917d13721d','26736480-444a-41d1-834e-803d2055a533',1796279265632,1796279265632,1798871265632,'','127.0.0.1','aal1','password',NULL,'');
INSERT INTO "sessions" VALUES('db70110d-4b5f-48ee-86d3-f1d594c69c5d','b90acbfd-defe-40cf-b4a9-e19385415178',1796279265712,1796279265712,1798871265712,'','127.0.0.1','aal1','email',NULL,'');
INSERT INTO "sessions" VALUES('ec2425e9-666e-459c-971c-d8a0d4d35082','674b6cc6-d91e-4a6f-994d-546d10635d15',1796279265953,1796279265953,1798871265953,'','127.0.0.1','aal1','password',NULL,'');
INSERT INTO "sessions" VALUES('42fe6ce9-b294-421d-9d51-c44709b3e815','669df8e6-1fda-4a13-8f2a-d54a63dce4f0',1796279266198,1796279266198,1798871266198,'','127.0.0.1','aal1','oauth',NULL,'');
INSERT INTO "sessions" VALUES('5450351f-11d3-4b1a-bfdc-8ea3cd98a71f','8e70c7af-57af-4ccc-a096-b56646ab92e0',1796279266206,1796279266206,1798871266206,'','127.0.0.1','aal1','anonymous',NULL,'');
CREATE TABLE signing_keys (
  kid         TEXT PRIMARY KEY,
  algorithm   TEXT NOT NULL,
  private_pem TEXT NOT NULL,
  public_pem  TEXT NOT NULL DEFAULT '',
  created_at  INTEGER NOT NULL,
  retired_at  INTEGER
);
INSERT INTO "signing_keys" VALUES('BRZYzOfoqBQ6kgW9ZEEfDA','ES256','-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgnVHlfQ4UdpxPUUK2
Eqv9A888dKr746CmPmAYSf62a2OhRANCAARijyaUmZ3ookR7/dfPJkqsUNyJo5T/
hc/Sk89C21EDU9v2n0bWAGW3gsn90eNjirBDZid1f3YxjshZCgucXKy3
-----END PRIVATE KEY-----
','-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEYo8mlJmd6KJEe/3XzyZKrFDciaOU
/4XP0pPPQttRA1Pb9p9G1gBlt4LJ/dHjY4qwQ2YndX92MY7IWQoLnFystw==
-----END PUBLIC KEY-----
',1796279264964,NULL);
CREATE TABLE user_roles (
  user_id  TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  role     TEXT NOT NULL,
  position INTEGER NOT NULL,
  PRIMARY KEY (user_id, role)
);
INSERT INTO "user_roles" VALUES('b60fcc89-2ca3-45fd-bb47-27beb3b517c1','user',0);
INSERT INTO "user_roles" VALUES('b60fcc89-2ca3-45fd-bb47-27beb3b517c1','me',1);
INSERT INTO "user_roles" VALUES('09b599fa-6886-4e7f-8d0e-e02c193145be','user',0);
INSERT INTO "user_roles" VALUES('09b599fa-6886-4e7f-8d0e-e02c193145be','me',1);
INSERT INTO "user_roles" VALUES('26736480-444a-41d1-834e-803d2055a533','user',0);
INSERT INTO "user_roles" VALUES('26736480-444a-41d1-834e-803d2055a533','me',1);
INSERT INTO "user_roles" VALUES('b90acbfd-defe-40cf-b4a9-e19385415178','user',0);
INSERT INTO "user_roles" VALUES('b90acbfd-defe-40cf-b4a9-e19385415178','me',1);
INSERT INTO "user_roles" VALUES('36e66192-7310-4bd7-81ed-3639992d9e6a','user',0);
INSERT INTO "user_roles" VALUES('36e66192-7310-4bd7-81ed-3639992d9e6a','me',1);
INSERT INTO "user_roles" VALUES('a033f5d4-3c55-40df-bd9c-a8566265721e','user',0);
INSERT INTO "user_roles" VALUES('a033f5d4-3c55-40df-bd9c-a8566265721e','me',1);
INSERT INTO "user_roles" VALUES('674b6cc6-d91e-4a6f-994d-546d10635d15','user',0);
INSERT INTO "user_roles" VALUES('674b6cc6-d91e-4a6f-994d-546d10635d15','me',1);
INSERT INTO "user_roles" VALUES('8dedeb32-61b4-4110-8426-ee277e663906','user',0);
INSERT INTO "user_roles" VALUES('8dedeb32-61b4-4110-8426-ee277e663906','me',1);
INSERT INTO "user_roles" VALUES('669df8e6-1fda-4a13-8f2a-d54a63dce4f0','user',0);
INSERT INTO "user_roles" VALUES('669df8e6-1fda-4a13-8f2a-d54a63dce4f0','me',1);
INSERT INTO "user_roles" VALUES('8e70c7af-57af-4ccc-a096-b56646ab92e0','anonymous',0);
CREATE TABLE users (
  id                    TEXT PRIMARY KEY,
  created_at            INTEGER NOT NULL,
  updated_at            INTEGER NOT NULL,
  last_seen             INTEGER,
  display_name          TEXT NOT NULL DEFAULT '',
  avatar_url            TEXT NOT NULL DEFAULT '',
  locale                TEXT NOT NULL DEFAULT '',
  email                 TEXT UNIQUE,
  email_verified        INTEGER NOT NULL DEFAULT 0,
  new_email             TEXT,
  phone_number          TEXT UNIQUE,
  phone_number_verified INTEGER NOT NULL DEFAULT 0,
  password_hash         TEXT,
  default_role          TEXT NOT NULL,
  is_anonymous          INTEGER NOT NULL DEFAULT 0,
  disabled              INTEGER NOT NULL DEFAULT 0,
  metadata              TEXT NOT NULL DEFAULT '{}',
  active_mfa_type       TEXT,
  totp_secret_encrypted TEXT
);
INSERT INTO "users" VALUES('b60fcc89-2ca3-45fd-bb47-27beb3b517c1',1796279265011,1796279265210,NULL,'Ada','','en','ada@upgrade.example.com',1,NULL,NULL,0,'$argon2id$v=19$m=19456,t=2,p=1$P5Vnmw8muW35BBMI89qamg$V2d7LtJw0wASYseuezQ7ejrdhq1jer1WdmkLjEuHcDc','user',0,0,'{"plan":"pro"}',NULL,NULL);
INSERT INTO "users" VALUES('09b599fa-6886-4e7f-8d0e-e02c193145be',1796279265388,1796279265494,NULL,'','','en','bob@upgrade.example.com',1,NULL,NULL,0,'$argon2id$v=19$m=19456,t=2,p=1$rspsREDFGZRE258A8AzfPA$iBMDwn7j8mdoLltuNy2XVyVK2Q0yBGzdjDl5bsAJgak','user',0,0,'{}','totp','v1.0sZCN7DXf8kfRsp0Gv1XapHXtvYBaX9bAlKMnKhjBDSrLi7iIf03vEQrWQtEJFmeEUeULrslipxVgy84');
INSERT INTO "users" VALUES('26736480-444a-41d1-834e-803d2055a533',1796279265506,1796279265639,NULL,'','','en','gina@upgrade.example.com',1,NULL,NULL,0,'$argon2id$v=19$m=19456,t=2,p=1$E4K2JaEkf0YcS/7flIz/oQ$8rgLcFHj6x7gHy9WjCC8foscMje6CC9E4MfJ4qP6qd4','user',0,0,'{}',NULL,'v1.J6Y8DSdpP2CI5sK5CtbCniNdTVfTvB3axTW3g74H4fUu7s-h5bJ8xBWIKophfwKCEIBHZgC6XZGvjvua');
INSERT INTO "users" VALUES('b90acbfd-defe-40cf-b4a9-e19385415178',1796279265640,1796279265712,NULL,'','','en','carol@upgrade.example.com',1,NULL,NULL,0,'$argon2id$v=19$m=19456,t=2,p=1$wS7LdEAKqPqrFDw/6Dh+IA$/LkCIpC1BzSrSZGThSW4DiN/1/7QeR7XON7wcKu48Z4','user',0,0,'{}',NULL,NULL);
INSERT INTO "users" VALUES('36e66192-7310-4bd7-81ed-3639992d9e6a',1796279265772,1796279265772,NULL,'','','en','dave@upgrade.example.com',0,NULL,NULL,0,'$argon2id$v=19$m=19456,t=2,p=1$rSWSAQ8SFaCUS2swW7AkVw$P/uW10IGA1JX4GP4mEz/L7IsaV3EuZCEz3NWmI0C2D4','user',0,0,'{}',NULL,NULL);
INSERT INTO "users" VALUES('a033f5d4-3c55-40df-bd9c-a8566265721e',1796279265848,1796279265848,NULL,'','','en','erin@upgrade.example.com',0,NULL,NULL,0,NULL,'user',0,0,'{}',NULL,NULL);
INSERT INTO "users" VALUES('674b6cc6-d91e-4a6f-994d-546d10635d15',1796279265871,1796279265871,NULL,'+15005550101','','en',NULL,0,NULL,'+15005550101',0,'$argon2id$v=19$m=19456,t=2,p=1$GbiZ8BTiz+yu7XR27puLsA$b+YXzUz1QRJ+ssMzgl3gEpjKW+2E55CGnsetmgIyAbI','user',0,0,'{}',NULL,NULL);
INSERT INTO "users" VALUES('8dedeb32-61b4-4110-8426-ee277e663906',1796279265963,1796279265963,NULL,'+15005550102','','en',NULL,0,NULL,'+15005550102',0,NULL,'user',0,0,'{}',NULL,NULL);
INSERT INTO "users" VALUES('669df8e6-1fda-4a13-8f2a-d54a63dce4f0',1796279266193,1796279266193,NULL,'Fay Google','http://127.0.0.1:45323/avatars/google-sub-fay-0007.png','en','fay@upgrade.example.com',1,NULL,NULL,0,NULL,'user',0,0,'{}',NULL,NULL);
INSERT INTO "users" VALUES('8e70c7af-57af-4ccc-a096-b56646ab92e0',1796279266206,1796279266206,NULL,'','','en',NULL,0,NULL,NULL,0,NULL,'anonymous',1,0,'{}',NULL,NULL);
CREATE INDEX identities_user_id ON identities (user_id);
CREATE INDEX sessions_user_id ON sessions (user_id, created_at);
CREATE INDEX sessions_expires_at ON sessions (expires_at);
CREATE INDEX refresh_tokens_session_id ON refresh_tokens (session_id);
CREATE INDEX refresh_tokens_parent_id ON refresh_tokens (parent_id);
CREATE INDEX one_time_codes_hash ON one_time_codes (purpose, code_hash);
CREATE INDEX one_time_codes_recipient ON one_time_codes (purpose, recipient, created_at);
CREATE INDEX one_time_codes_expires_at ON one_time_codes (expires_at);
CREATE INDEX mfa_factors_user_id ON mfa_factors (user_id);
CREATE INDEX audit_log_user_id ON audit_log (user_id, at);
CREATE INDEX mfa_used_totp_steps_used_at ON mfa_used_totp_steps (used_at);
CREATE INDEX oauth_requests_expires_at ON oauth_requests (expires_at);
CREATE INDEX oauth_grants_expires_at ON oauth_grants (expires_at);
COMMIT;
