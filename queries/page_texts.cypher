// Page texts: the multilingual name (or title, or text) of the records with these ids of
// one node type, for the links of the web pages, with what a link shows beside it: an
// organisation's abbreviation, a priority group's number and the record's source (its
// provenance). $label is the node type's label; every node type has its branch below (a
// label no branch names gives no rows).
// params: label, ids
// columns: id, text ({fi, sv, en}; a language the record lacks is null),
//          abbreviation (organisations, else null), number (priority groups, else null),
//          source (null when none)
CALL () {
  MATCH (n:Theme) WHERE $label = 'Theme' AND n.id IN $ids RETURN n
  UNION ALL
  MATCH (n:AdministrativeBranch) WHERE $label = 'AdministrativeBranch' AND n.id IN $ids
  RETURN n
  UNION ALL
  MATCH (n:Organisation) WHERE $label = 'Organisation' AND n.id IN $ids RETURN n
  UNION ALL
  MATCH (n:Phenomenon) WHERE $label = 'Phenomenon' AND n.id IN $ids RETURN n
  UNION ALL
  MATCH (n:Indicator) WHERE $label = 'Indicator' AND n.id IN $ids RETURN n
  UNION ALL
  MATCH (n:PriorityGroup) WHERE $label = 'PriorityGroup' AND n.id IN $ids RETURN n
  UNION ALL
  MATCH (n:CooperationBody) WHERE $label = 'CooperationBody' AND n.id IN $ids RETURN n
  UNION ALL
  MATCH (n:Goal) WHERE $label = 'Goal' AND n.id IN $ids RETURN n
  UNION ALL
  MATCH (n:Measure) WHERE $label = 'Measure' AND n.id IN $ids RETURN n
}
RETURN n.id AS id,
  {fi: coalesce(n.name_fi, n.title_fi, n.text_fi),
   sv: coalesce(n.name_sv, n.title_sv, n.text_sv),
   en: coalesce(n.name_en, n.title_en, n.text_en)} AS text,
  n.abbreviation AS abbreviation, n.number AS number, n.source AS source
