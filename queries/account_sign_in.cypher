// What signing in with a password needs to know of one username: the stored argon2id
// hash of an enabled password account (null for an unknown, disabled or single sign-on
// account: the caller then checks a dummy hash, so the answer takes as long) and the
// recent failed sign-ins of the username (known or not).
// params: username
// columns: hash (text or null), failures (list of date-times)
OPTIONAL MATCH (a:Account {id: $username})
OPTIONAL MATCH (t:LoginThrottle {id: $username})
RETURN CASE WHEN a IS NULL OR coalesce(a.disabled, false) THEN null ELSE a.password_hash END
         AS hash,
       coalesce(t.failures, []) AS failures
