--
-- PostgreSQL database dump
--

\restrict LCYygIDR4TKSIyTaGBolFqjKT33blj3IGCFrgVhza7DepycxzBoZmdwjeGQ6Y5Q

-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: __SCHEMA__; Type: SCHEMA; Schema: -; Owner: -
--

CREATE SCHEMA __SCHEMA__;


SET default_tablespace = '';


--
-- Name: audit_log; Type: TABLE; Schema: __SCHEMA__; Owner: -
--

CREATE TABLE __SCHEMA__.audit_log (
    id bigint NOT NULL,
    at bigint NOT NULL,
    type text NOT NULL,
    user_id text COLLATE pg_catalog."C",
    ip text DEFAULT ''::text NOT NULL,
    user_agent text DEFAULT ''::text NOT NULL,
    data text DEFAULT '{}'::text NOT NULL
);


--
-- Name: audit_log_id_seq; Type: SEQUENCE; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE __SCHEMA__.audit_log ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME __SCHEMA__.audit_log_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: identities; Type: TABLE; Schema: __SCHEMA__; Owner: -
--

CREATE TABLE __SCHEMA__.identities (
    id text NOT NULL COLLATE pg_catalog."C",
    user_id text NOT NULL COLLATE pg_catalog."C",
    provider text NOT NULL,
    provider_user_id text NOT NULL,
    email text,
    data text DEFAULT '{}'::text NOT NULL,
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL,
    access_token_encrypted text DEFAULT ''::text NOT NULL,
    refresh_token_encrypted text DEFAULT ''::text NOT NULL
);


--
-- Name: mfa_factors; Type: TABLE; Schema: __SCHEMA__; Owner: -
--

CREATE TABLE __SCHEMA__.mfa_factors (
    id text NOT NULL COLLATE pg_catalog."C",
    user_id text NOT NULL COLLATE pg_catalog."C",
    type text NOT NULL,
    secret_encrypted text,
    created_at bigint NOT NULL,
    verified_at bigint
);


--
-- Name: mfa_failures; Type: TABLE; Schema: __SCHEMA__; Owner: -
--

CREATE TABLE __SCHEMA__.mfa_failures (
    user_id text NOT NULL COLLATE pg_catalog."C",
    window_start bigint NOT NULL,
    failures integer NOT NULL
);


--
-- Name: mfa_recovery_codes; Type: TABLE; Schema: __SCHEMA__; Owner: -
--

CREATE TABLE __SCHEMA__.mfa_recovery_codes (
    user_id text NOT NULL COLLATE pg_catalog."C",
    code_hash text NOT NULL COLLATE pg_catalog."C",
    created_at bigint NOT NULL,
    used_at bigint
);


--
-- Name: mfa_used_totp_steps; Type: TABLE; Schema: __SCHEMA__; Owner: -
--

CREATE TABLE __SCHEMA__.mfa_used_totp_steps (
    user_id text NOT NULL COLLATE pg_catalog."C",
    step bigint NOT NULL,
    used_at bigint NOT NULL
);


--
-- Name: oauth_grants; Type: TABLE; Schema: __SCHEMA__; Owner: -
--

CREATE TABLE __SCHEMA__.oauth_grants (
    code_hash text NOT NULL COLLATE pg_catalog."C",
    user_id text NOT NULL COLLATE pg_catalog."C",
    amr text DEFAULT ''::text NOT NULL,
    provider text DEFAULT ''::text NOT NULL,
    created_at bigint NOT NULL,
    expires_at bigint NOT NULL
);


--
-- Name: oauth_requests; Type: TABLE; Schema: __SCHEMA__; Owner: -
--

CREATE TABLE __SCHEMA__.oauth_requests (
    state_hash text NOT NULL COLLATE pg_catalog."C",
    provider text NOT NULL,
    code_verifier text DEFAULT ''::text NOT NULL,
    nonce text DEFAULT ''::text NOT NULL,
    redirect_to text DEFAULT ''::text NOT NULL,
    options text DEFAULT '{}'::text NOT NULL,
    connect_user_id text COLLATE pg_catalog."C",
    created_at bigint NOT NULL,
    expires_at bigint NOT NULL
);


--
-- Name: one_time_codes; Type: TABLE; Schema: __SCHEMA__; Owner: -
--

CREATE TABLE __SCHEMA__.one_time_codes (
    id text NOT NULL COLLATE pg_catalog."C",
    user_id text COLLATE pg_catalog."C",
    purpose text NOT NULL,
    recipient text NOT NULL,
    code_hash text NOT NULL,
    data text DEFAULT '{}'::text NOT NULL,
    created_at bigint NOT NULL,
    expires_at bigint NOT NULL,
    attempts integer DEFAULT 0 NOT NULL,
    consumed_at bigint
);


--
-- Name: refresh_tokens; Type: TABLE; Schema: __SCHEMA__; Owner: -
--

CREATE TABLE __SCHEMA__.refresh_tokens (
    id text NOT NULL COLLATE pg_catalog."C",
    session_id text NOT NULL COLLATE pg_catalog."C",
    user_id text NOT NULL COLLATE pg_catalog."C",
    token_hash text NOT NULL,
    parent_id text COLLATE pg_catalog."C",
    created_at bigint NOT NULL,
    expires_at bigint NOT NULL,
    rotated_at bigint
);


--
-- Name: schema_migrations; Type: TABLE; Schema: __SCHEMA__; Owner: -
--

CREATE TABLE __SCHEMA__.schema_migrations (
    version integer NOT NULL,
    applied_at bigint NOT NULL
);


--
-- Name: secrets; Type: TABLE; Schema: __SCHEMA__; Owner: -
--

CREATE TABLE __SCHEMA__.secrets (
    name text NOT NULL,
    value text NOT NULL,
    created_at bigint NOT NULL
);


--
-- Name: sessions; Type: TABLE; Schema: __SCHEMA__; Owner: -
--

CREATE TABLE __SCHEMA__.sessions (
    id text NOT NULL COLLATE pg_catalog."C",
    user_id text NOT NULL COLLATE pg_catalog."C",
    created_at bigint NOT NULL,
    refreshed_at bigint NOT NULL,
    expires_at bigint NOT NULL,
    user_agent text DEFAULT ''::text NOT NULL,
    ip text DEFAULT ''::text NOT NULL,
    aal text DEFAULT 'aal1'::text NOT NULL,
    amr text DEFAULT ''::text NOT NULL,
    revoked_at bigint,
    revoked_reason text DEFAULT ''::text NOT NULL
);


--
-- Name: signing_keys; Type: TABLE; Schema: __SCHEMA__; Owner: -
--

CREATE TABLE __SCHEMA__.signing_keys (
    kid text NOT NULL COLLATE pg_catalog."C",
    algorithm text NOT NULL,
    private_pem text NOT NULL,
    public_pem text DEFAULT ''::text NOT NULL,
    created_at bigint NOT NULL,
    retired_at bigint
);


--
-- Name: user_roles; Type: TABLE; Schema: __SCHEMA__; Owner: -
--

CREATE TABLE __SCHEMA__.user_roles (
    user_id text NOT NULL COLLATE pg_catalog."C",
    role text NOT NULL,
    "position" integer NOT NULL
);


--
-- Name: users; Type: TABLE; Schema: __SCHEMA__; Owner: -
--

CREATE TABLE __SCHEMA__.users (
    id text NOT NULL COLLATE pg_catalog."C",
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL,
    last_seen bigint,
    display_name text DEFAULT ''::text NOT NULL,
    avatar_url text DEFAULT ''::text NOT NULL,
    locale text DEFAULT ''::text NOT NULL,
    email text,
    email_verified boolean DEFAULT false NOT NULL,
    new_email text,
    phone_number text,
    phone_number_verified boolean DEFAULT false NOT NULL,
    password_hash text,
    default_role text NOT NULL,
    is_anonymous boolean DEFAULT false NOT NULL,
    disabled boolean DEFAULT false NOT NULL,
    metadata text DEFAULT '{}'::text NOT NULL,
    active_mfa_type text,
    totp_secret_encrypted text
);


--
-- Data for Name: audit_log; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

COPY __SCHEMA__.audit_log (id, at, type, user_id, ip, user_agent, data) FROM stdin;
1	1796279272207	signup	83303d41-4697-433c-9402-4d360d37fa3d	127.0.0.1		{}
2	1796279272340	signin	83303d41-4697-433c-9402-4d360d37fa3d	127.0.0.1		{}
3	1796279272419	signin	83303d41-4697-433c-9402-4d360d37fa3d	127.0.0.1		{}
4	1796279272449	signin	83303d41-4697-433c-9402-4d360d37fa3d	127.0.0.1		{}
5	1796279272492	signup	501d1320-35eb-44a0-b2d8-6b5c83120645	127.0.0.1		{}
6	1796279272529	signin	501d1320-35eb-44a0-b2d8-6b5c83120645	127.0.0.1		{}
7	1796279272541	mfa-totp-on	501d1320-35eb-44a0-b2d8-6b5c83120645			{}
8	1796279272544	mfa-recovery-codes	501d1320-35eb-44a0-b2d8-6b5c83120645			{}
9	1796279272578	signup	6037787c-7e06-4882-a103-9d9dddbe8c45	127.0.0.1		{}
10	1796279272625	signin	6037787c-7e06-4882-a103-9d9dddbe8c45	127.0.0.1		{}
11	1796279272686	signup	e5e0a53f-29bc-4aa5-a888-84d1f6a986c9	127.0.0.1		{}
12	1796279272802	signup	136a27b2-aa72-44eb-9b81-ce2087332be4	127.0.0.1		{}
13	1796279272891	signup-phone-password	0259294c-75a1-40ce-be04-f42cbb6d41f6	127.0.0.1		{}
14	1796279272895	signup-sms	1bdb60a2-ea02-4de8-ba68-f53d25507fb9	127.0.0.1		{}
15	1796279273132	signup-oauth	8ffd8663-73d1-4b8e-a5c9-3b711738d942	127.0.0.1		{"provider":"google"}
16	1796279273142	signin-anonymous	f8d95421-9452-4fbd-972a-2e835ea9e3dd	127.0.0.1		{}
\.


--
-- Data for Name: identities; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

COPY __SCHEMA__.identities (id, user_id, provider, provider_user_id, email, data, created_at, updated_at, access_token_encrypted, refresh_token_encrypted) FROM stdin;
b5920a2b-f34f-4645-b8ec-126d4ab009b8	8ffd8663-73d1-4b8e-a5c9-3b711738d942	google	google-sub-fay-0007	fay@upgrade.example.com	{"aud":"google-client-N_SeguDs","auth_time":1796279273,"email":"fay@upgrade.example.com","email_verified":true,"exp":1796279873,"family_name":"Google","given_name":"Fay","iat":1796279273,"iss":"http://127.0.0.1:36561","locale":"en","name":"Fay Google","picture":"http://127.0.0.1:36561/avatars/google-sub-fay-0007.png","sub":"google-sub-fay-0007"}	1796279273132	1796279273132		
\.


--
-- Data for Name: mfa_factors; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

COPY __SCHEMA__.mfa_factors (id, user_id, type, secret_encrypted, created_at, verified_at) FROM stdin;
\.


--
-- Data for Name: mfa_failures; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

COPY __SCHEMA__.mfa_failures (user_id, window_start, failures) FROM stdin;
\.


--
-- Data for Name: mfa_recovery_codes; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

COPY __SCHEMA__.mfa_recovery_codes (user_id, code_hash, created_at, used_at) FROM stdin;
501d1320-35eb-44a0-b2d8-6b5c83120645	t1:b91c1bd16b3102e90d9deb9e3ba776f8556f8727642da87321ae6a88d66922db	1796279272544	\N
501d1320-35eb-44a0-b2d8-6b5c83120645	t1:3c784cd3bf6776f3de9602d72438b4442feea784322b1b7eaec56d7cbcb80d06	1796279272544	\N
501d1320-35eb-44a0-b2d8-6b5c83120645	t1:6ba655f6e87d94ee84bd3a01cc354b77ff335577a6fe9fcd34ef432e68b0a6d7	1796279272544	\N
501d1320-35eb-44a0-b2d8-6b5c83120645	t1:3f8348d650d661015221975ca5f381d3e187c00618a32def2f43d44a32d76fb9	1796279272544	\N
501d1320-35eb-44a0-b2d8-6b5c83120645	t1:097b1471e8faf58ed76006535e7ad73150176e120a9a3556bd00f1edcc007a43	1796279272544	\N
501d1320-35eb-44a0-b2d8-6b5c83120645	t1:312d752c7fe14f751277d9509149ee55c5fb81f7fc28971a50042ca255a8d030	1796279272544	\N
501d1320-35eb-44a0-b2d8-6b5c83120645	t1:eb3f3ab12577b5e865c9f3057f997e24c0810bd8ef5361434ff671eb2d16ffdf	1796279272544	\N
501d1320-35eb-44a0-b2d8-6b5c83120645	t1:c29431258c7b7aa6f794ba6b8562e970d65bb6c971f5bc4bfd6e266f4748af00	1796279272544	\N
501d1320-35eb-44a0-b2d8-6b5c83120645	t1:d9909b62314ad5c1356f931a97529bec5e322ba91b84f9b4c8a040068f1f9e35	1796279272544	\N
501d1320-35eb-44a0-b2d8-6b5c83120645	t1:2f70171a411ed17aa9d42a595aee14e9eb9315aa281bc73e6deab6c63420e333	1796279272544	\N
\.


--
-- Data for Name: mfa_used_totp_steps; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

COPY __SCHEMA__.mfa_used_totp_steps (user_id, step, used_at) FROM stdin;
501d1320-35eb-44a0-b2d8-6b5c83120645	59875975	1796279272540
501d1320-35eb-44a0-b2d8-6b5c83120645	59875976	1796279272543
\.


--
-- Data for Name: oauth_grants; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

COPY __SCHEMA__.oauth_grants (code_hash, user_id, amr, provider, created_at, expires_at) FROM stdin;
\.


--
-- Data for Name: oauth_requests; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

COPY __SCHEMA__.oauth_requests (state_hash, provider, code_verifier, nonce, redirect_to, options, connect_user_id, created_at, expires_at) FROM stdin;
\.


--
-- Data for Name: one_time_codes; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

COPY __SCHEMA__.one_time_codes (id, user_id, purpose, recipient, code_hash, data, created_at, expires_at, attempts, consumed_at) FROM stdin;
53addaa4-d56b-41ff-8ef0-4cde92d5cbe3	83303d41-4697-433c-9402-4d360d37fa3d	email-verify	ada@upgrade.example.com	a18335def3d3ea865cf8bef68f571c41b2860568363bbe88e646464c248162d4	{}	1796279272208	1796282872208	0	1796279272222
87e643ef-bb34-40b0-9c09-f4150df46d94	501d1320-35eb-44a0-b2d8-6b5c83120645	email-verify	bob@upgrade.example.com	47fbac912c5ddfd4f85ede0a362551f833b10e8b8f626da98c5f759d4851bd4f	{}	1796279272492	1796282872492	0	1796279272506
56b11bfa-daf1-4fbf-9040-0fad864543f6	6037787c-7e06-4882-a103-9d9dddbe8c45	email-verify	gina@upgrade.example.com	03fe93991314f7ef537ca1e765ee5e6c520b3cd296eeea2ed33fbd351cf1c1b5	{}	1796279272578	1796282872578	0	1796279272588
e1fca610-1902-464d-8fa7-ca57ffa8aab4	e5e0a53f-29bc-4aa5-a888-84d1f6a986c9	email-verify	carol@upgrade.example.com	77c5370626447dacb7996122b63fafdfff5031c87f94f50b9fc61b1df3fac70b	{}	1796279272686	1796282872686	0	1796279272698
27a9dac2-a85b-45cc-bef7-0f7d9f753deb	e5e0a53f-29bc-4aa5-a888-84d1f6a986c9	password-reset	carol@upgrade.example.com	1d70800507c9de59ebf5d3e69b429613b447b48b83fa75be82a3c39f023b3184	{}	1796279272704	1796282872704	0	\N
045e3244-1f47-49fa-9e12-a96ed5a5079e	136a27b2-aa72-44eb-9b81-ce2087332be4	email-verify	dave@upgrade.example.com	7123e16cd9d823b8bd8e38847cf579b10683a1d74db51e653ecf4e0cf058fd9b	{}	1796279272802	1796282872802	0	\N
d15d09d7-a1e5-435d-8a88-c7584765b925	020d523e-b4bf-405a-9c5b-0fa66466be1d	email-otp	erin@upgrade.example.com	fb9198e205ee117fa66a48db0e7afbf09986f0dce1675c8e90c9492fdeb22da8	{}	1796279272817	1796282872817	0	\N
f85116cd-2ae7-4ef7-a159-677b2af07a20	\N	sms-otp	+15005550102	2a39df9fb87f095f95b4479e208e48bd55599394403854a553e7a5b82e27c30e	{}	1796279272894	1796282872894	0	\N
\.


--
-- Data for Name: refresh_tokens; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

COPY __SCHEMA__.refresh_tokens (id, session_id, user_id, token_hash, parent_id, created_at, expires_at, rotated_at) FROM stdin;
79818d47-870e-4d08-a75f-e76ec0b27de7	f75fddf9-4792-45a1-9c01-f4d9c2590bcd	83303d41-4697-433c-9402-4d360d37fa3d	73f3c19121610ade9e4396f6a6381fed682c5ae8063ece07506751441cf9d4a4	\N	1796279272224	1798871272224	\N
a828c770-86d8-4efe-9cbf-cd9676e2e3bb	5a5684ce-3dc4-4ab8-9123-1f1de47c6127	83303d41-4697-433c-9402-4d360d37fa3d	e626e9516ce97a4baf2f57ca7e3b9d5338c0ae020895476d7c406b728946f5b7	\N	1796279272345	1798871272345	1796279272353
c47153de-3a63-40dc-bc3e-771c43244d33	5a5684ce-3dc4-4ab8-9123-1f1de47c6127	83303d41-4697-433c-9402-4d360d37fa3d	c627db9217165888d3e4f42405ee334098220009e95e83148a962b07e273124c	a828c770-86d8-4efe-9cbf-cd9676e2e3bb	1796279272353	1798871272353	1796279272357
8fdda29b-3783-4b87-b922-3a907032e890	5a5684ce-3dc4-4ab8-9123-1f1de47c6127	83303d41-4697-433c-9402-4d360d37fa3d	e0211fd07db9327ab7f22fc14b021f706883b66a42a08e8c81e68178103ccdbe	c47153de-3a63-40dc-bc3e-771c43244d33	1796279272357	1798871272357	\N
c1413430-e060-4d91-ab8d-17e0887f14d7	79c9b1f2-73c8-4e8a-8b47-8c110d92817c	83303d41-4697-433c-9402-4d360d37fa3d	5847e20fde863e2b8be4d1e57c9f93e728feeb9750fa317a7eb1a5c0bd160d72	\N	1796279272419	1798871272419	1796279272421
79a5e44f-61b6-4643-88d8-4fea260f3fe4	79c9b1f2-73c8-4e8a-8b47-8c110d92817c	83303d41-4697-433c-9402-4d360d37fa3d	be335c1f27875827cc7b91075388500388fe549c093e380f0adb330f3152258f	c1413430-e060-4d91-ab8d-17e0887f14d7	1796279272421	1798871272421	\N
335cbc8e-440a-489b-822f-79478781357e	7a34cab5-8d74-48d7-9567-5d07653adc7f	83303d41-4697-433c-9402-4d360d37fa3d	f44155b346f9642d6685b7ce4c7614e16db2331f134113ba86d3d3275956e8dd	\N	1796279272454	1798871272454	\N
3496d4d5-6b52-4bab-9c3e-95eed18eba7f	6d18efa0-c868-43f7-9b75-c33e7a116011	501d1320-35eb-44a0-b2d8-6b5c83120645	8a62b105d00e1b47e3bf3dbbc8700b87cb6ff50f20425f1777c3f088c038df94	\N	1796279272508	1798871272508	\N
89cafd9d-eefc-493b-9fc6-510f87140bf3	b129ee8a-e036-4ad0-aa9d-094c84b63222	501d1320-35eb-44a0-b2d8-6b5c83120645	ec268148feec1b6b3a6dc1ee6e8981611e8c9833a034d203c6ceeca9fbe5f7b2	\N	1796279272534	1798871272534	\N
7d969940-2154-47a9-8858-9b657ad7ccc0	34ade6e6-313f-48b8-baed-3a37fcebab8f	6037787c-7e06-4882-a103-9d9dddbe8c45	935a61a09ddc1b5851c1a692acfe1b38e79d1d0e92437d79ca58533c3dd93005	\N	1796279272589	1798871272589	\N
cd68bdc9-9102-4856-80c0-8c78c1408625	c78f1602-b204-4160-a5a2-8133a7162a72	6037787c-7e06-4882-a103-9d9dddbe8c45	f9a50f7b39ea7d06ba78592119e41eb8825b649babf04c49c9ae889a51918742	\N	1796279272634	1798871272634	\N
bd0b7f40-cab8-493b-8260-5b0be5bde063	c9809a2b-03bd-49e1-be6a-6301e11cb0f1	e5e0a53f-29bc-4aa5-a888-84d1f6a986c9	525821b330a540a5740d33c735af0af631d1bef1e726ef55828388b614a1dcc3	\N	1796279272699	1798871272699	\N
93ff014c-be3e-477d-9cd1-1cd65cd4a9de	ef1fe123-ea6c-4987-85be-459483adced6	0259294c-75a1-40ce-be04-f42cbb6d41f6	200b47b5b870ca2c589d011ac6b1acc00a6d12a92e3e8c14c5fa4644acee8d05	\N	1796279272891	1798871272891	\N
4703bf44-c989-44d2-b18e-11cccea4b4d7	8ac815c2-0634-4f98-be6f-30afb48a34dd	8ffd8663-73d1-4b8e-a5c9-3b711738d942	a345b457a924a6b1e5e88f9a010bcaccc10113297ad6e185909ac53a8ad73baf	\N	1796279273134	1798871273134	\N
91a93756-53e1-44c9-9c8d-ecc8be05f8ef	02dede65-7485-456a-9fce-f6bdb8aa61bd	f8d95421-9452-4fbd-972a-2e835ea9e3dd	ffe80de0023f93ba21adab4dd082063705ef3e73a1aa7a37c99fe9161a37ccf1	\N	1796279273142	1798871273142	\N
\.


--
-- Data for Name: schema_migrations; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

COPY __SCHEMA__.schema_migrations (version, applied_at) FROM stdin;
1	1796279271984
2	1796279272003
3	1796279272019
\.


--
-- Data for Name: secrets; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

COPY __SCHEMA__.secrets (name, value, created_at) FROM stdin;
refresh-token-derivation	0716fbc698a37e90b0340cb10aea5bf62e3ff99ba04f01da61e2b45a1d12ce44	1796279272038
mfa-encryption-key	87cbbd97bcfffc53be25cbacf5394698e60e41b81fefa32aa4ba0912cbe18b27	1796279272039
email-code-key	a80e5aacd5e375edf37fd007d55960a3401d1c241d59fb3501ef3a665abeab5c	1796279272040
sms-code-key	8ccb17da39d82ca53987245a8fcb18937f8ff5ad22d0a4f22a714f5f063f7d79	1796279272040
\.


--
-- Data for Name: sessions; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

COPY __SCHEMA__.sessions (id, user_id, created_at, refreshed_at, expires_at, user_agent, ip, aal, amr, revoked_at, revoked_reason) FROM stdin;
f75fddf9-4792-45a1-9c01-f4d9c2590bcd	83303d41-4697-433c-9402-4d360d37fa3d	1796279272224	1796279272224	1798871272224		127.0.0.1	aal1	email	\N	
5a5684ce-3dc4-4ab8-9123-1f1de47c6127	83303d41-4697-433c-9402-4d360d37fa3d	1796279272345	1796279272357	1798871272357		127.0.0.1	aal1	password	\N	
79c9b1f2-73c8-4e8a-8b47-8c110d92817c	83303d41-4697-433c-9402-4d360d37fa3d	1796279272419	1796279272421	1798871272421		127.0.0.1	aal1	password	\N	
7a34cab5-8d74-48d7-9567-5d07653adc7f	83303d41-4697-433c-9402-4d360d37fa3d	1796279272454	1796279272454	1798871272454		127.0.0.1	aal1	password	\N	
6d18efa0-c868-43f7-9b75-c33e7a116011	501d1320-35eb-44a0-b2d8-6b5c83120645	1796279272508	1796279272508	1798871272508		127.0.0.1	aal1	email	\N	
b129ee8a-e036-4ad0-aa9d-094c84b63222	501d1320-35eb-44a0-b2d8-6b5c83120645	1796279272534	1796279272534	1798871272534		127.0.0.1	aal1	password	\N	
34ade6e6-313f-48b8-baed-3a37fcebab8f	6037787c-7e06-4882-a103-9d9dddbe8c45	1796279272589	1796279272589	1798871272589		127.0.0.1	aal1	email	\N	
c78f1602-b204-4160-a5a2-8133a7162a72	6037787c-7e06-4882-a103-9d9dddbe8c45	1796279272634	1796279272634	1798871272634		127.0.0.1	aal1	password	\N	
c9809a2b-03bd-49e1-be6a-6301e11cb0f1	e5e0a53f-29bc-4aa5-a888-84d1f6a986c9	1796279272699	1796279272699	1798871272699		127.0.0.1	aal1	email	\N	
ef1fe123-ea6c-4987-85be-459483adced6	0259294c-75a1-40ce-be04-f42cbb6d41f6	1796279272891	1796279272891	1798871272891		127.0.0.1	aal1	password	\N	
8ac815c2-0634-4f98-be6f-30afb48a34dd	8ffd8663-73d1-4b8e-a5c9-3b711738d942	1796279273134	1796279273134	1798871273134		127.0.0.1	aal1	oauth	\N	
02dede65-7485-456a-9fce-f6bdb8aa61bd	f8d95421-9452-4fbd-972a-2e835ea9e3dd	1796279273142	1796279273142	1798871273142		127.0.0.1	aal1	anonymous	\N	
\.


--
-- Data for Name: signing_keys; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

COPY __SCHEMA__.signing_keys (kid, algorithm, private_pem, public_pem, created_at, retired_at) FROM stdin;
xVkNOn8LIQem2ZqWtOqNaQ	ES256	-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgmjSVPKcHD+juka1q\nl0Q5Il8bfzpwE6w38stsg6lI4DyhRANCAATmrjV/foUhd4AJSZgbJ83zmmVpjHkE\nH8aNfdRQj29CVc9EBXho03MmJBeulN0L6Xcr0hw/5DEE/tbTOn/645tB\n-----END PRIVATE KEY-----\n	-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE5q41f36FIXeACUmYGyfN85plaYx5\nBB/GjX3UUI9vQlXPRAV4aNNzJiQXrpTdC+l3K9IcP+QxBP7W0zp/+uObQQ==\n-----END PUBLIC KEY-----\n	1796279272023	\N
\.


--
-- Data for Name: user_roles; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

COPY __SCHEMA__.user_roles (user_id, role, "position") FROM stdin;
83303d41-4697-433c-9402-4d360d37fa3d	user	0
83303d41-4697-433c-9402-4d360d37fa3d	me	1
501d1320-35eb-44a0-b2d8-6b5c83120645	user	0
501d1320-35eb-44a0-b2d8-6b5c83120645	me	1
6037787c-7e06-4882-a103-9d9dddbe8c45	user	0
6037787c-7e06-4882-a103-9d9dddbe8c45	me	1
e5e0a53f-29bc-4aa5-a888-84d1f6a986c9	user	0
e5e0a53f-29bc-4aa5-a888-84d1f6a986c9	me	1
136a27b2-aa72-44eb-9b81-ce2087332be4	user	0
136a27b2-aa72-44eb-9b81-ce2087332be4	me	1
020d523e-b4bf-405a-9c5b-0fa66466be1d	user	0
020d523e-b4bf-405a-9c5b-0fa66466be1d	me	1
0259294c-75a1-40ce-be04-f42cbb6d41f6	user	0
0259294c-75a1-40ce-be04-f42cbb6d41f6	me	1
1bdb60a2-ea02-4de8-ba68-f53d25507fb9	user	0
1bdb60a2-ea02-4de8-ba68-f53d25507fb9	me	1
8ffd8663-73d1-4b8e-a5c9-3b711738d942	user	0
8ffd8663-73d1-4b8e-a5c9-3b711738d942	me	1
f8d95421-9452-4fbd-972a-2e835ea9e3dd	anonymous	0
\.


--
-- Data for Name: users; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

COPY __SCHEMA__.users (id, created_at, updated_at, last_seen, display_name, avatar_url, locale, email, email_verified, new_email, phone_number, phone_number_verified, password_hash, default_role, is_anonymous, disabled, metadata, active_mfa_type, totp_secret_encrypted) FROM stdin;
83303d41-4697-433c-9402-4d360d37fa3d	1796279272094	1796279272224	\N	Ada		en	ada@upgrade.example.com	t	\N	\N	f	$argon2id$v=19$m=19456,t=2,p=1$zh3/TzutHEF7f2b7DZJaiw$3adOtgW1fkdUOWgsVQiVl/RtfW1Lfpb9vXoo0vkxiB4	user	f	f	{"plan":"pro"}	\N	\N
501d1320-35eb-44a0-b2d8-6b5c83120645	1796279272458	1796279272541	\N			en	bob@upgrade.example.com	t	\N	\N	f	$argon2id$v=19$m=19456,t=2,p=1$4K01AW/9Q3WVJ3V38M/1TQ$Klax3sEHCNIvUryqCR1DcjrAeGqM17nc+uI4o7gFgmA	user	f	f	{}	totp	v1.tI4lAIgjC0fjDFsJ78EjHrChnT8hnukLN99pyuQQZ25l2Bx3RaapEi90Cpjo3LhdYeHNyFTzNAE9K8Dq
6037787c-7e06-4882-a103-9d9dddbe8c45	1796279272546	1796279272637	\N			en	gina@upgrade.example.com	t	\N	\N	f	$argon2id$v=19$m=19456,t=2,p=1$TW4YEW4zRS5g6w5VgdO9GQ$wvYKDX6fZHP6UHx7Zw3+ZRKBdMl9sZM/PU/gOsbSWKQ	user	f	f	{}	\N	v1.B3EjPzLc4CA3jCEg1yPtg2dlRxogh_g32l1g4x3BUBYWz-SxG5d4nN20cPz6HBUxW54eaaujpTD16-DR
e5e0a53f-29bc-4aa5-a888-84d1f6a986c9	1796279272638	1796279272698	\N			en	carol@upgrade.example.com	t	\N	\N	f	$argon2id$v=19$m=19456,t=2,p=1$9JXuZ7FHpjCOcR/lDHTnkA$+oj6P62Y0YuRaV3wxxNvz/7/RwDhirPznSvkudQlWGg	user	f	f	{}	\N	\N
136a27b2-aa72-44eb-9b81-ce2087332be4	1796279272758	1796279272758	\N			en	dave@upgrade.example.com	f	\N	\N	f	$argon2id$v=19$m=19456,t=2,p=1$7UVmKBP8zOONkph0BlajFQ$QNpf6mopDPKHoh1OJR5JQtOKuT8MOYO2Bd7HS8UbkMw	user	f	f	{}	\N	\N
020d523e-b4bf-405a-9c5b-0fa66466be1d	1796279272816	1796279272816	\N			en	erin@upgrade.example.com	f	\N	\N	f	\N	user	f	f	{}	\N	\N
0259294c-75a1-40ce-be04-f42cbb6d41f6	1796279272844	1796279272844	\N	+15005550101		en	\N	f	\N	+15005550101	f	$argon2id$v=19$m=19456,t=2,p=1$Oe/gZerkXg31ouleF5t/Gg$XUXyazEWHWD6MUE2vJHr4wCPKnW7cvJMNESocufbums	user	f	f	{}	\N	\N
1bdb60a2-ea02-4de8-ba68-f53d25507fb9	1796279272894	1796279272894	\N	+15005550102		en	\N	f	\N	+15005550102	f	\N	user	f	f	{}	\N	\N
8ffd8663-73d1-4b8e-a5c9-3b711738d942	1796279273121	1796279273121	\N	Fay Google	http://127.0.0.1:36561/avatars/google-sub-fay-0007.png	en	fay@upgrade.example.com	t	\N	\N	f	\N	user	f	f	{}	\N	\N
f8d95421-9452-4fbd-972a-2e835ea9e3dd	1796279273142	1796279273142	\N			en	\N	f	\N	\N	f	\N	anonymous	t	f	{}	\N	\N
\.


--
-- Name: audit_log_id_seq; Type: SEQUENCE SET; Schema: __SCHEMA__; Owner: -
--

SELECT pg_catalog.setval('__SCHEMA__.audit_log_id_seq', 16, true);


--
-- Name: audit_log audit_log_pkey; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.audit_log
    ADD CONSTRAINT audit_log_pkey PRIMARY KEY (id);


--
-- Name: identities identities_pkey; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.identities
    ADD CONSTRAINT identities_pkey PRIMARY KEY (id);


--
-- Name: identities identities_provider_provider_user_id_key; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.identities
    ADD CONSTRAINT identities_provider_provider_user_id_key UNIQUE (provider, provider_user_id);


--
-- Name: mfa_factors mfa_factors_pkey; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.mfa_factors
    ADD CONSTRAINT mfa_factors_pkey PRIMARY KEY (id);


--
-- Name: mfa_failures mfa_failures_pkey; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.mfa_failures
    ADD CONSTRAINT mfa_failures_pkey PRIMARY KEY (user_id);


--
-- Name: mfa_recovery_codes mfa_recovery_codes_pkey; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.mfa_recovery_codes
    ADD CONSTRAINT mfa_recovery_codes_pkey PRIMARY KEY (user_id, code_hash);


--
-- Name: mfa_used_totp_steps mfa_used_totp_steps_pkey; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.mfa_used_totp_steps
    ADD CONSTRAINT mfa_used_totp_steps_pkey PRIMARY KEY (user_id, step);


--
-- Name: oauth_grants oauth_grants_pkey; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.oauth_grants
    ADD CONSTRAINT oauth_grants_pkey PRIMARY KEY (code_hash);


--
-- Name: oauth_requests oauth_requests_pkey; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.oauth_requests
    ADD CONSTRAINT oauth_requests_pkey PRIMARY KEY (state_hash);


--
-- Name: one_time_codes one_time_codes_pkey; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.one_time_codes
    ADD CONSTRAINT one_time_codes_pkey PRIMARY KEY (id);


--
-- Name: refresh_tokens refresh_tokens_pkey; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.refresh_tokens
    ADD CONSTRAINT refresh_tokens_pkey PRIMARY KEY (id);


--
-- Name: refresh_tokens refresh_tokens_token_hash_key; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.refresh_tokens
    ADD CONSTRAINT refresh_tokens_token_hash_key UNIQUE (token_hash);


--
-- Name: schema_migrations schema_migrations_pkey; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.schema_migrations
    ADD CONSTRAINT schema_migrations_pkey PRIMARY KEY (version);


--
-- Name: secrets secrets_pkey; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.secrets
    ADD CONSTRAINT secrets_pkey PRIMARY KEY (name);


--
-- Name: sessions sessions_pkey; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.sessions
    ADD CONSTRAINT sessions_pkey PRIMARY KEY (id);


--
-- Name: signing_keys signing_keys_pkey; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.signing_keys
    ADD CONSTRAINT signing_keys_pkey PRIMARY KEY (kid);


--
-- Name: user_roles user_roles_pkey; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.user_roles
    ADD CONSTRAINT user_roles_pkey PRIMARY KEY (user_id, role);


--
-- Name: users users_email_key; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.users
    ADD CONSTRAINT users_email_key UNIQUE (email);


--
-- Name: users users_phone_number_key; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.users
    ADD CONSTRAINT users_phone_number_key UNIQUE (phone_number);


--
-- Name: users users_pkey; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.users
    ADD CONSTRAINT users_pkey PRIMARY KEY (id);


--
-- Name: audit_log_user_id; Type: INDEX; Schema: __SCHEMA__; Owner: -
--

CREATE INDEX audit_log_user_id ON __SCHEMA__.audit_log USING btree (user_id, at);


--
-- Name: identities_user_id; Type: INDEX; Schema: __SCHEMA__; Owner: -
--

CREATE INDEX identities_user_id ON __SCHEMA__.identities USING btree (user_id);


--
-- Name: mfa_factors_user_id; Type: INDEX; Schema: __SCHEMA__; Owner: -
--

CREATE INDEX mfa_factors_user_id ON __SCHEMA__.mfa_factors USING btree (user_id);


--
-- Name: mfa_used_totp_steps_used_at; Type: INDEX; Schema: __SCHEMA__; Owner: -
--

CREATE INDEX mfa_used_totp_steps_used_at ON __SCHEMA__.mfa_used_totp_steps USING btree (used_at);


--
-- Name: oauth_grants_expires_at; Type: INDEX; Schema: __SCHEMA__; Owner: -
--

CREATE INDEX oauth_grants_expires_at ON __SCHEMA__.oauth_grants USING btree (expires_at);


--
-- Name: oauth_requests_expires_at; Type: INDEX; Schema: __SCHEMA__; Owner: -
--

CREATE INDEX oauth_requests_expires_at ON __SCHEMA__.oauth_requests USING btree (expires_at);


--
-- Name: one_time_codes_expires_at; Type: INDEX; Schema: __SCHEMA__; Owner: -
--

CREATE INDEX one_time_codes_expires_at ON __SCHEMA__.one_time_codes USING btree (expires_at);


--
-- Name: one_time_codes_hash; Type: INDEX; Schema: __SCHEMA__; Owner: -
--

CREATE INDEX one_time_codes_hash ON __SCHEMA__.one_time_codes USING btree (purpose, code_hash);


--
-- Name: one_time_codes_recipient; Type: INDEX; Schema: __SCHEMA__; Owner: -
--

CREATE INDEX one_time_codes_recipient ON __SCHEMA__.one_time_codes USING btree (purpose, recipient, created_at);


--
-- Name: refresh_tokens_parent_id; Type: INDEX; Schema: __SCHEMA__; Owner: -
--

CREATE INDEX refresh_tokens_parent_id ON __SCHEMA__.refresh_tokens USING btree (parent_id);


--
-- Name: refresh_tokens_session_id; Type: INDEX; Schema: __SCHEMA__; Owner: -
--

CREATE INDEX refresh_tokens_session_id ON __SCHEMA__.refresh_tokens USING btree (session_id);


--
-- Name: sessions_expires_at; Type: INDEX; Schema: __SCHEMA__; Owner: -
--

CREATE INDEX sessions_expires_at ON __SCHEMA__.sessions USING btree (expires_at);


--
-- Name: sessions_user_id; Type: INDEX; Schema: __SCHEMA__; Owner: -
--

CREATE INDEX sessions_user_id ON __SCHEMA__.sessions USING btree (user_id, created_at);


--
-- Name: identities identities_user_id_fkey; Type: FK CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.identities
    ADD CONSTRAINT identities_user_id_fkey FOREIGN KEY (user_id) REFERENCES __SCHEMA__.users(id) ON DELETE CASCADE;


--
-- Name: mfa_factors mfa_factors_user_id_fkey; Type: FK CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.mfa_factors
    ADD CONSTRAINT mfa_factors_user_id_fkey FOREIGN KEY (user_id) REFERENCES __SCHEMA__.users(id) ON DELETE CASCADE;


--
-- Name: mfa_failures mfa_failures_user_id_fkey; Type: FK CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.mfa_failures
    ADD CONSTRAINT mfa_failures_user_id_fkey FOREIGN KEY (user_id) REFERENCES __SCHEMA__.users(id) ON DELETE CASCADE;


--
-- Name: mfa_recovery_codes mfa_recovery_codes_user_id_fkey; Type: FK CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.mfa_recovery_codes
    ADD CONSTRAINT mfa_recovery_codes_user_id_fkey FOREIGN KEY (user_id) REFERENCES __SCHEMA__.users(id) ON DELETE CASCADE;


--
-- Name: mfa_used_totp_steps mfa_used_totp_steps_user_id_fkey; Type: FK CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.mfa_used_totp_steps
    ADD CONSTRAINT mfa_used_totp_steps_user_id_fkey FOREIGN KEY (user_id) REFERENCES __SCHEMA__.users(id) ON DELETE CASCADE;


--
-- Name: oauth_grants oauth_grants_user_id_fkey; Type: FK CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.oauth_grants
    ADD CONSTRAINT oauth_grants_user_id_fkey FOREIGN KEY (user_id) REFERENCES __SCHEMA__.users(id) ON DELETE CASCADE;


--
-- Name: oauth_requests oauth_requests_connect_user_id_fkey; Type: FK CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.oauth_requests
    ADD CONSTRAINT oauth_requests_connect_user_id_fkey FOREIGN KEY (connect_user_id) REFERENCES __SCHEMA__.users(id) ON DELETE CASCADE;


--
-- Name: one_time_codes one_time_codes_user_id_fkey; Type: FK CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.one_time_codes
    ADD CONSTRAINT one_time_codes_user_id_fkey FOREIGN KEY (user_id) REFERENCES __SCHEMA__.users(id) ON DELETE CASCADE;


--
-- Name: refresh_tokens refresh_tokens_session_id_fkey; Type: FK CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.refresh_tokens
    ADD CONSTRAINT refresh_tokens_session_id_fkey FOREIGN KEY (session_id) REFERENCES __SCHEMA__.sessions(id) ON DELETE CASCADE;


--
-- Name: sessions sessions_user_id_fkey; Type: FK CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.sessions
    ADD CONSTRAINT sessions_user_id_fkey FOREIGN KEY (user_id) REFERENCES __SCHEMA__.users(id) ON DELETE CASCADE;


--
-- Name: user_roles user_roles_user_id_fkey; Type: FK CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.user_roles
    ADD CONSTRAINT user_roles_user_id_fkey FOREIGN KEY (user_id) REFERENCES __SCHEMA__.users(id) ON DELETE CASCADE;


--
-- PostgreSQL database dump complete
--

\unrestrict LCYygIDR4TKSIyTaGBolFqjKT33blj3IGCFrgVhza7DepycxzBoZmdwjeGQ6Y5Q

