// Name resolution, second step: the records whose name, title or text matches the words
// of the input in any language, through the full-text index of each language ($index_fi,
// $index_sv, $index_en; turva.graph.domain.schema.FULLTEXT_INDEXES) with its own Lucene
// query ($q_fi, $q_sv, $q_en: stems, fuzzy stems and prefixes). Each index gives at most
// $k hits; a node keeps its best score. $labels, when not null, keeps nodes with one of
// those labels. Best first, then by id.
// params: index_fi, q_fi, index_sv, q_sv, index_en, q_en, k, labels
// columns: labels, id, score, names ({fi, sv, en}; missing are null), abbreviation
CALL () {
  CALL db.index.fulltext.queryNodes($index_fi, $q_fi, {limit: $k}) YIELD node, score
  RETURN node, score
  UNION ALL
  CALL db.index.fulltext.queryNodes($index_sv, $q_sv, {limit: $k}) YIELD node, score
  RETURN node, score
  UNION ALL
  CALL db.index.fulltext.queryNodes($index_en, $q_en, {limit: $k}) YIELD node, score
  RETURN node, score
}
WITH node AS n, max(score) AS score
WHERE $labels IS NULL OR any(l IN labels(n) WHERE l IN $labels)
RETURN labels(n) AS labels, n.id AS id, score,
  {fi: coalesce(n.name_fi, n.title_fi, n.text_fi),
   sv: coalesce(n.name_sv, n.title_sv, n.text_sv),
   en: coalesce(n.name_en, n.title_en, n.text_en)} AS names,
  n.abbreviation AS abbreviation
ORDER BY score DESC, id
