// Phenomenon page: the phenomena directly under this one (their parent is it), by id.
// params: id
// columns: id, name ({fi, sv, en}), source
MATCH (c:Phenomenon)-[:PART_OF]->(:Phenomenon {id: $id})
RETURN c.id AS id, {fi: c.name_fi, sv: c.name_sv, en: c.name_en} AS name, c.source AS source
ORDER BY c.id
