// Connection page: every organisation with its names and abbreviation, for the two
// choices of the form, by id.
// params: none
// columns: id, abbreviation (or null), text ({fi, sv, en}; a language it lacks is null)
MATCH (o:Organisation)
RETURN o.id AS id, o.abbreviation AS abbreviation,
  {fi: o.name_fi, sv: o.name_sv, en: o.name_en} AS text
ORDER BY id
