// Branch page: the priority groups (any period) in which at least one organisation of one
// administrative branch is a member, each with those members (role and the membership's
// source); latest period first, then by number.
// params: id
// columns: id, period, number, members (list of {organisation, role, source}, by id)
MATCH (:AdministrativeBranch {id: $id})<-[:BELONGS_TO]-(o:Organisation)-[r:MEMBER_OF]->(g:PriorityGroup)
WITH g, o, r
ORDER BY o.id
WITH g, collect({organisation: o.id, role: r.role, source: r.source}) AS members
RETURN g.id AS id, g.period AS period, g.number AS number, members
ORDER BY period DESC, number, id
