// The map views one account saved (the maps page lists them), by name: each view's id,
// name, map view and URL query, and when it was saved. Only the owner's own views.
// params: owner
// columns: id, name, view, query, saved (datetime)
MATCH (v:SavedView {owner: $owner})
RETURN v.id AS id, v.name AS name, v.view AS view, v.query AS query, v.saved AS saved
ORDER BY toLower(v.name), v.id
