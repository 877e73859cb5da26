// Phenomenon page: the phenomena directly under this one (their parent is it), by id.
// params: id
// columns: id, name ({fi, en})
MATCH (c:Phenomenon)-[:PART_OF]->(:Phenomenon {id: $id})
RETURN c.id AS id, {fi: c.name_fi, en: c.name_en} AS name
ORDER BY c.id
