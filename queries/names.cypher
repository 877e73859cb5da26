// Display names: the multilingual name (a measure's title, a goal's text), abbreviation
// and source of the records with these $ids, for the name and source columns of tables.
// $labels keeps records with one of those labels (every domain label when null); each
// node type has its own branch so that the lookup uses the id constraint's index.
// params: ids, labels
// columns: label, id, names ({fi, sv, en}; a language the record lacks is null),
// abbreviation (organisations; else null), source (null when the record has none)
CALL () {
  MATCH (n:Theme) WHERE ($labels IS NULL OR 'Theme' IN $labels) AND n.id IN $ids
  RETURN 'Theme' AS label, n
  UNION ALL
  MATCH (n:AdministrativeBranch)
  WHERE ($labels IS NULL OR 'AdministrativeBranch' IN $labels) AND n.id IN $ids
  RETURN 'AdministrativeBranch' AS label, n
  UNION ALL
  MATCH (n:Organisation)
  WHERE ($labels IS NULL OR 'Organisation' IN $labels) AND n.id IN $ids
  RETURN 'Organisation' AS label, n
  UNION ALL
  MATCH (n:Phenomenon) WHERE ($labels IS NULL OR 'Phenomenon' IN $labels) AND n.id IN $ids
  RETURN 'Phenomenon' AS label, n
  UNION ALL
  MATCH (n:Indicator) WHERE ($labels IS NULL OR 'Indicator' IN $labels) AND n.id IN $ids
  RETURN 'Indicator' AS label, n
  UNION ALL
  MATCH (n:PriorityGroup)
  WHERE ($labels IS NULL OR 'PriorityGroup' IN $labels) AND n.id IN $ids
  RETURN 'PriorityGroup' AS label, n
  UNION ALL
  MATCH (n:CooperationBody)
  WHERE ($labels IS NULL OR 'CooperationBody' IN $labels) AND n.id IN $ids
  RETURN 'CooperationBody' AS label, n
  UNION ALL
  MATCH (n:Goal) WHERE ($labels IS NULL OR 'Goal' IN $labels) AND n.id IN $ids
  RETURN 'Goal' AS label, n
  UNION ALL
  MATCH (n:Measure) WHERE ($labels IS NULL OR 'Measure' IN $labels) AND n.id IN $ids
  RETURN 'Measure' AS label, n
}
RETURN label, n.id AS id,
  {fi: coalesce(n.name_fi, n.title_fi, n.text_fi),
   sv: coalesce(n.name_sv, n.title_sv, n.text_sv),
   en: coalesce(n.name_en, n.title_en, n.text_en)} AS names,
  n.abbreviation AS abbreviation, n.source AS source
