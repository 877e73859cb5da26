// The last change of one record, for the "last changed by ... on ..." line of its page:
// the newest change of the record itself (turva's own or one brought by a loaded
// document's history, which carries imported_by and imported_at), how many it has, and
// the newest load of a whole document made in this graph (a load may rewrite a record
// without a change of its own: the page compares the record with the change's after).
// $type is the record's resource name as the history writes it (measures,
// priority-groups...).
// params: type, id
// columns: last (the newest change's properties, or null), changes (how many),
//          load (the newest load's properties, or null)
CALL () {
  MATCH (c:Change)
  WHERE c.type = $type AND c.record_id = $id
  WITH c
  ORDER BY c.at DESC, c.id DESC
  RETURN count(c) AS changes, head(collect(properties(c))) AS last
}
CALL () {
  MATCH (d:Change)
  WHERE d.type = 'document' AND d.imported_at IS NULL
  WITH d
  ORDER BY d.at DESC, d.id DESC
  LIMIT 1
  RETURN collect(properties(d)) AS loads
}
RETURN last, changes, head(loads) AS load
