// The person a sign-in session belongs to: the session (its id is the hash of the
// cookie's secret) and its account. The caller decides whether the session is still
// alive (idle time) and the account enabled.
// params: id
// columns: seen (when the session was last renewed), account (the account's properties
//          without its password hash)
MATCH (s:Session {id: $id})-[:SESSION_OF]->(a:Account)
RETURN s.seen AS seen,
       {id: a.id, role: a.role, organisations: a.organisations, disabled: a.disabled,
        display_name: a.display_name} AS account
