// The recorded changes of people's accounts, newest first (`turva user log`): who did
// what to which account, when; $username null for every account.
// params: username, limit
// columns: at, who, account, action, before (JSON text or null), after (JSON text or null)
MATCH (c:AccountChange)
WHERE $username IS NULL OR c.account = $username
RETURN c.at AS at, c.who AS who, c.account AS account, c.action AS action,
       c.before AS before, c.after AS after
ORDER BY c.at DESC, c.id DESC
LIMIT $limit
