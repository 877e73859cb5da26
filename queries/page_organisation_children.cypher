// Organisation page: the organisations directly under this one (their parent is it), by id.
// params: id
// columns: id, name ({fi, sv, en}), abbreviation, source
MATCH (c:Organisation)-[:PART_OF]->(:Organisation {id: $id})
RETURN c.id AS id, {fi: c.name_fi, sv: c.name_sv, en: c.name_en} AS name,
  c.abbreviation AS abbreviation, c.source AS source
ORDER BY c.id
