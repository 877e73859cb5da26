// Connection: a shortest path between two organisations through priority groups (any
// period), active measures and phenomena, following MEMBER_OF, RESPONSIBLE_FOR,
// ADDRESSES and FOCUSES_ON in either direction. Of several shortest paths, the one whose
// node sequence, compared as [id, label] pairs from the start, is smallest. One row;
// `path` is empty when the two are not connected (or either is missing).
// params: a, b, active
// columns: found_a (bool), found_b (bool), path (list of {type, id, name})
OPTIONAL MATCH (x:Organisation {id: $a})
OPTIONAL MATCH (y:Organisation {id: $b})
OPTIONAL CALL (x, y) {
  WITH x, y
  WHERE x IS NOT NULL AND y IS NOT NULL AND x <> y
  MATCH p = allShortestPaths((x)-[:MEMBER_OF|RESPONSIBLE_FOR|ADDRESSES|FOCUSES_ON*]-(y))
  WHERE all(n IN nodes(p) WHERE
    n:Organisation OR n:PriorityGroup OR n:Phenomenon OR (n:Measure AND n.status IN $active))
  WITH nodes(p) AS ns
  ORDER BY [n IN ns | [n.id, labels(n)[0]]]
  LIMIT 1
  RETURN ns
  UNION
  WITH x, y
  WHERE x IS NOT NULL AND x = y
  RETURN [x] AS ns
}
RETURN
  x IS NOT NULL AS found_a,
  y IS NOT NULL AS found_b,
  [n IN coalesce(ns, []) | {type: labels(n)[0], id: n.id, name: coalesce(n.name_fi, n.title_fi)}]
    AS path
