// Every person's account for `turva user list`: never the password hash.
// params: none
// columns: username, role, organisations, disabled, display_name, sso (the issuer, or
//          null for a password account), created, created_by, last_sign_in, sessions
MATCH (a:Account)
OPTIONAL MATCH (s:Session)-[:SESSION_OF]->(a)
WITH a, count(s) AS sessions
RETURN a.id AS username, a.role AS role, coalesce(a.organisations, []) AS organisations,
       coalesce(a.disabled, false) AS disabled, a.display_name AS display_name,
       a.sso_issuer AS sso, a.created AS created, a.created_by AS created_by,
       a.last_sign_in AS last_sign_in, sessions
ORDER BY username
