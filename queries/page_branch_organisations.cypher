// Branch page: the organisations of one administrative branch (BELONGS_TO), the branch's
// ministry first, then by id.
// params: id
// columns: id, kind, ministry (bool: the branch's ministry), source
MATCH (b:AdministrativeBranch {id: $id})<-[:BELONGS_TO]-(o:Organisation)
WITH b, o, EXISTS { (b)-[:HAS_MINISTRY]->(o) } AS ministry
RETURN o.id AS id, o.kind AS kind, ministry, o.source AS source
ORDER BY ministry DESC, o.id
