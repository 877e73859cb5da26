// The History tab of one record: its changes, newest first, one page of them, with how
// many there are in all and the newest load of a whole document made in this graph (a
// load may rewrite the record without a change of its own). $type is the record's
// resource name as the history writes it (measures, priority-groups...).
// params: type, id, offset, limit
// columns: changes (properties of each change on the page, newest first), total,
//          load (the newest load's properties, or null)
CALL () {
  MATCH (c:Change)
  WHERE c.type = $type AND c.record_id = $id
  RETURN count(c) AS total
}
CALL () {
  MATCH (c:Change)
  WHERE c.type = $type AND c.record_id = $id
  WITH c
  ORDER BY c.at DESC, c.id DESC
  SKIP $offset
  LIMIT $limit
  RETURN collect(properties(c)) AS changes
}
CALL () {
  MATCH (d:Change)
  WHERE d.type = 'document' AND d.imported_at IS NULL
  WITH d
  ORDER BY d.at DESC, d.id DESC
  LIMIT 1
  RETURN collect(properties(d)) AS loads
}
RETURN changes, total, head(loads) AS load
