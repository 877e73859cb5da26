// Full-text search: the records whose name, title or text matches, in any language. Each
// language has its own full-text index ($index_fi, $index_sv, $index_en: the index names
// of turva.graph.domain.schema.FULLTEXT_INDEXES) and its own Lucene query ($q_fi, $q_sv,
// $q_en); each index gives at most $k hits and a node keeps its best score. $labels, when
// not null, keeps nodes with one of those labels. Best first, then by id; at most $k (the
// caller ranks them by type and keeps its limit: turva.api.search).
// params: index_fi, q_fi, index_sv, q_sv, index_en, q_en, k, labels, active
// columns: labels (the node's labels), id, score, name ({fi, sv, en}; missing are null),
// abbreviation, status (a measure's; else null), active (a measure whose status is active)
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
WITH node, max(score) AS score
WHERE $labels IS NULL OR any(l IN labels(node) WHERE l IN $labels)
RETURN labels(node) AS labels, node.id AS id, score,
  {fi: coalesce(node.name_fi, node.title_fi, node.text_fi),
   sv: coalesce(node.name_sv, node.title_sv, node.text_sv),
   en: coalesce(node.name_en, node.title_en, node.text_en)} AS name,
  node.abbreviation AS abbreviation, node.status AS status,
  coalesce(node.status IN $active, false) AS active
ORDER BY score DESC, id
LIMIT $k
