// Organisation page: the organisations directly under this one (their parent is it), by id.
// params: id
// columns: id, name ({fi, en})
MATCH (c:Organisation)-[:PART_OF]->(:Organisation {id: $id})
RETURN c.id AS id, {fi: c.name_fi, en: c.name_en} AS name
ORDER BY c.id
