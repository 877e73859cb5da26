// Branch page: the measures (any status) that at least one organisation of one
// administrative branch is responsible for (lead or partner), each with the branch's
// responsible organisations (role and the responsibility's source), the phenomena it
// addresses directly, its resources and whether it is active.
// params: id, active
// columns: id, status, active (bool), source, eur (null when not given),
//          person_years (null when not given),
//          responsible (list of {organisation, role, source}: this branch's organisations),
//          phenomena (list of phenomenon ids, by id)
MATCH (:AdministrativeBranch {id: $id})<-[:BELONGS_TO]-(o:Organisation)-[r:RESPONSIBLE_FOR]->(m:Measure)
WITH m, o, r
ORDER BY o.id
WITH m, collect({organisation: o.id, role: r.role, source: r.source}) AS responsible
RETURN m.id AS id, m.status AS status, m.status IN $active AS active, m.source AS source,
  m.resources_eur AS eur, m.resources_person_years AS person_years, responsible,
  COLLECT { MATCH (m)-[:ADDRESSES]->(p:Phenomenon) RETURN p.id AS p ORDER BY p } AS phenomena
ORDER BY m.id
