// Editor check: whether any of these organisations is a member of this priority group.
// Run inside the write transaction it guards (queries.runner.run_in_transaction), so it
// sees the membership that the change commits with.
// params: group, orgs
// columns: ok (bool)
MATCH (o:Organisation)-[:MEMBER_OF]->(g:PriorityGroup {id: $group})
WHERE o.id IN $orgs
RETURN count(o) > 0 AS ok
