package planner

// This file reads one table from Graph: choosing the requests (path keys,
// $filter, $orderby, $top, $select) and turning their pages into rows.

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/teamsql/msteams/graph"
	"github.com/teamsql/msteams/schema"
	"github.com/xwb1989/sqlparser"
)

// Fetcher sends Graph requests; *graph.Client satisfies it through
// ClientFetcher.
type Fetcher interface {
	Get(ctx context.Context, r graph.Request) ([]byte, error)
	List(r graph.Request) Pager
}

// Pager yields a collection page by page, io.EOF after the last.
type Pager interface {
	Next(ctx context.Context) (*graph.Page, error)
}

// Poster is implemented by Fetchers that can send Graph actions that read
// with a POST body (UserPresence's getPresencesByUserId).
type Poster interface {
	Post(ctx context.Context, r graph.Request, body []byte) ([]byte, error)
}

// LinkLister is implemented by Fetchers that can page from an absolute
// link Graph returned inside an item (replies@odata.nextLink).
type LinkLister interface {
	ListLink(link string, header http.Header) Pager
}

// ClientFetcher adapts a *graph.Client to Fetcher, Poster and LinkLister.
type ClientFetcher struct{ Client *graph.Client }

func (f ClientFetcher) Get(ctx context.Context, r graph.Request) ([]byte, error) {
	return f.Client.Get(ctx, r)
}

func (f ClientFetcher) List(r graph.Request) Pager { return f.Client.List(r) }

func (f ClientFetcher) Post(ctx context.Context, r graph.Request, body []byte) ([]byte, error) {
	return f.Client.Post(ctx, r, body)
}

func (f ClientFetcher) ListLink(link string, header http.Header) Pager {
	return f.Client.ListLink(link, header)
}

// tableScan reads one table from Graph.
type tableScan struct {
	table       *schema.Table
	listPath    string                    // ListPath, the KeyedPaths entry the bound keys select, or Delta.Path
	delta       bool                      // listPath is the table's delta function: its rows only, no Nested rows
	rootsOnly   bool                      // the query keeps only rows whose Nested.KeyColumn IS NULL: no children to read
	ordered     *schema.Column            // a column Graph must $orderby for its pushed $filter to apply
	get         bool                      // one GET per key combination instead of a listing
	bound       map[string][]driver.Value // key column -> values the query bound
	parent      *Plan                     // enumerates the remaining path keys, nil when all are bound
	parentKeys  []string                  // key columns filled from the parent's output columns, in order
	query       graph.Query
	header      http.Header
	needed      []int // row positions the query reads, decoded from each item
	limitPushed bool
}

// predicate is one WHERE conjunct and what Graph can do with it.
type predicate struct {
	expr   sqlparser.Expr
	key    string         // key column it binds ("" when none) ...
	values []driver.Value // ... to these values (= or IN)
	filter string         // its OData $filter form ("" when Graph cannot evaluate it)
}

func (s *scope) analyze(t *schema.Table, where sqlparser.Expr) []predicate {
	var preds []predicate
	for _, c := range conjuncts(where) {
		p := predicate{expr: c}
		p.key, p.values = s.keyBinding(t, c)
		p.filter, _ = s.odata(t, c)
		preds = append(preds, p)
	}
	return preds
}

// planScan chooses how to read the table: a GET per bound entity key, a
// POST per batch of bound (or parent-enumerated) keys, or a listing per
// bound (or parent-enumerated) collection key, with whatever $filter,
// $orderby, $top, $expand and $select Graph supports for the query.
// plan carries the query's compiled ORDER BY and LIMIT, which are pushed
// to Graph when they can be (and then cleared from it); pass a bare
// &Plan{limit: -1} when Graph must not order or cut the rows.
func (s *scope) planScan(t *schema.Table, where sqlparser.Expr, plan *Plan, opts Options) (*tableScan, error) {
	preds := s.analyze(t, where)
	bound := firstBindings(preds)
	scan := &tableScan{table: t, bound: map[string][]driver.Value{}, listPath: chooseListPath(t, bound)}
	pushedAll := true
	var err error
	switch {
	case t.Batch != nil:
		pushedAll, err = s.planBatch(scan, preds, opts)
	case useGet(t, bound):
		for _, k := range schema.PathKeys(t.GetPath) {
			scan.bound[k] = bound[k]
		}
		scan.get = true
		pushedAll = false // Graph applies no $filter to a single entity
	default:
		if filter, ok := s.deltaFilter(t, preds, time.Now()); ok && scan.listPath == t.ListPath {
			scan.listPath, scan.delta = t.Delta.Path, true
			scan.query.Filter = filter
		}
		pushedAll, err = s.planListing(scan, preds, opts)
	}
	if err != nil {
		return nil, err
	}
	s.planOrderAndLimit(scan, plan, pushedAll, opts)
	scan.rootsOnly = s.keepsRootsOnly(t, preds)
	if !scan.delta { // a delta function takes only $filter and $top
		scan.query.Expand = t.Expand
		if scan.rootsOnly && t.Expand == t.Nested.Property {
			scan.query.Expand = "" // the children would all be filtered out
		}
		if !t.NoSelect {
			scan.query.Select = s.selectList(t)
		}
	}
	scan.needed = s.neededColumns(t)
	return scan, nil
}

// keepsRootsOnly reports a "KeyColumn IS NULL" conjunct on a table with
// nested rows: children always have their key set, so none would survive
// the WHERE clause and reading them is wasted.
func (s *scope) keepsRootsOnly(t *schema.Table, preds []predicate) bool {
	if t.Nested == nil {
		return false
	}
	for _, p := range preds {
		if s.isNullOf(t, p.expr, t.Nested.KeyColumn) {
			return true
		}
	}
	return false
}

// readsNested reports whether the scan turns inlined children into rows.
func (scan *tableScan) readsNested() bool {
	return scan.table.Nested != nil && !scan.delta && !scan.rootsOnly
}

// chooseListPath picks the first keyed path whose keys the query binds.
func chooseListPath(t *schema.Table, bound map[string][]driver.Value) string {
	for _, p := range t.KeyedPaths {
		if allBound(schema.PathKeys(p), bound) {
			return p
		}
	}
	return t.ListPath
}

// useGet: every GetPath key is bound and no other key is, so that a GET
// of the entity answers the query (a bound key outside the entity path,
// like Chats.UserId, needs the listing that names it).
func useGet(t *schema.Table, bound map[string][]driver.Value) bool {
	keys := schema.PathKeys(t.GetPath)
	if t.GetPath == "" || !allBound(keys, bound) {
		return false
	}
	for k := range bound {
		if !pathHasKey(t.GetPath, k) {
			return false
		}
	}
	return true
}

// planListing binds path keys and pushes what Graph can filter. A delta
// function keeps the one filter deltaFilter chose, and the driver
// evaluates every other predicate.
func (s *scope) planListing(scan *tableScan, preds []predicate, opts Options) (bool, error) {
	pushedAll := !scan.delta
	var filters []string
	for i, p := range preds {
		switch {
		case p.key != "" && pathHasKey(scan.listPath, p.key) && bindingIndex(preds, p.key) == i:
			scan.bound[p.key] = p.values
		case !scan.delta && p.filter != "" && s.orderAllows(scan, p.expr):
			filters = append(filters, p.filter)
		default:
			pushedAll = false
		}
	}
	if !scan.delta {
		scan.query.Filter = strings.Join(filters, " and ")
	}
	return pushedAll, s.planParent(scan, missingKeys(scan.listPath, scan.bound), opts)
}

// orderAllows decides whether a filter on columns Graph filters only with
// a matching $orderby can be pushed: all of them must be one column, the
// same for every pushed filter, which the scan then orders by.
func (s *scope) orderAllows(scan *tableScan, e sqlparser.Expr) bool {
	var needs *schema.Column
	ok := true
	_ = sqlparser.Walk(func(node sqlparser.SQLNode) (bool, error) {
		c, isCol := node.(*sqlparser.ColName)
		if !isCol {
			return true, nil
		}
		_, col, found := scan.table.Column(c.Name.String())
		if found && col.FilterNeedsOrder {
			if needs != nil && needs != col {
				ok = false
			}
			needs = col
		}
		return true, nil
	}, e)
	if !ok || needs == nil {
		return ok
	}
	if scan.ordered != nil && scan.ordered != needs {
		return false
	}
	scan.ordered = needs
	return true
}

// planBatch collects the values of the batch key: bound by the query, or
// enumerated from the parent table.
func (s *scope) planBatch(scan *tableScan, preds []predicate, opts Options) (bool, error) {
	key := scan.table.Batch.KeyColumn
	pushedAll := true
	for i, p := range preds {
		if p.key == key && bindingIndex(preds, key) == i {
			scan.bound[key] = p.values
			continue
		}
		pushedAll = false
	}
	var missing []string
	if _, ok := scan.bound[key]; !ok {
		missing = []string{key}
	}
	return pushedAll, s.planParent(scan, missing, opts)
}

func missingKeys(path string, bound map[string][]driver.Value) []string {
	var missing []string
	for _, k := range schema.PathKeys(path) {
		if _, ok := bound[k]; !ok {
			missing = append(missing, k)
		}
	}
	return missing
}

func pathHasKey(path, key string) bool {
	for _, k := range schema.PathKeys(path) {
		if k == key {
			return true
		}
	}
	return false
}

func firstBindings(preds []predicate) map[string][]driver.Value {
	bound := map[string][]driver.Value{}
	for _, p := range preds {
		if p.key != "" {
			if _, seen := bound[p.key]; !seen {
				bound[p.key] = p.values
			}
		}
	}
	return bound
}

func bindingIndex(preds []predicate, key string) int {
	for i, p := range preds {
		if p.key == key {
			return i
		}
	}
	return -1
}

func allBound(keys []string, bound map[string][]driver.Value) bool {
	for _, k := range keys {
		if _, ok := bound[k]; !ok {
			return false
		}
	}
	return len(keys) > 0
}

// isListKey reports whether binding key narrows the table's Graph reads
// (a path key of a listing, or a batch key), so a join should bind it.
func isListKey(t *schema.Table, key string) bool {
	if t.Batch != nil && t.Batch.KeyColumn == key {
		return true
	}
	for _, p := range append([]string{t.ListPath}, t.KeyedPaths...) {
		if pathHasKey(p, key) {
			return true
		}
	}
	return false
}

// planParent arranges for the keys the query left unbound to be
// enumerated from the parent table, itself planned like any query so that
// keys the query did bind narrow the parent listing.
func (s *scope) planParent(scan *tableScan, missing []string, opts Options) error {
	t := scan.table
	if len(missing) == 0 {
		return nil
	}
	for _, k := range missing {
		if t.Parent == nil {
			return missingKeyError(t, k, opts.Catalog)
		}
		if _, ok := t.Parent.Supplies(k); !ok {
			return missingKeyError(t, k, opts.Catalog)
		}
	}
	sel, err := parentSelect(t.Parent, scan.bound)
	if err != nil {
		return fmt.Errorf("schema: %s: parent condition %q: %w", t.Name, t.Parent.Where, err)
	}
	parentPlan, err := planSelect(sel, nil, opts)
	if err != nil {
		return fmt.Errorf("listing %s to find %s: %w", t.Parent.Table, strings.Join(missing, ", "), err)
	}
	scan.parent = parentPlan
	for _, k := range t.Parent.Keys {
		scan.parentKeys = append(scan.parentKeys, k.Key)
		delete(scan.bound, k.Key) // the parent's rows carry these, already narrowed by the binding
	}
	return nil
}

// missingKeyError names the key column and, when the catalog knows one,
// the table whose rows supply its values.
func missingKeyError(t *schema.Table, key string, cat *schema.Catalog) error {
	if cat == nil {
		cat = schema.Default
	}
	if supplier := cat.Supplier(t, key); supplier != "" {
		return fmt.Errorf("%w: a query on %s needs %s: add WHERE %s = '...' or join %s (SELECT Id FROM %s lists the values)",
			ErrMissingKey, t.Name, key, key, supplier, supplier)
	}
	return fmt.Errorf("%w: a query on %s needs %s: add WHERE %s = '...' (no table lists its values)", ErrMissingKey, t.Name, key, key)
}

// parentSelect builds SELECT <supplying columns> FROM parent WHERE
// <parent condition> AND col IN (bound values).
func parentSelect(parent *schema.Parent, bound map[string][]driver.Value) (*sqlparser.Select, error) {
	sel := &sqlparser.Select{From: sqlparser.TableExprs{&sqlparser.AliasedTableExpr{Expr: sqlparser.TableName{Name: sqlparser.NewTableIdent(parent.Table)}}}}
	var where sqlparser.Expr
	and := func(cond sqlparser.Expr) {
		if where != nil {
			cond = &sqlparser.AndExpr{Left: where, Right: cond}
		}
		where = cond
	}
	if parent.Where != "" {
		cond, err := parseCondition(parent.Where)
		if err != nil {
			return nil, err
		}
		and(cond)
	}
	for _, k := range parent.Keys {
		col := &sqlparser.ColName{Name: sqlparser.NewColIdent(k.Column)}
		sel.SelectExprs = append(sel.SelectExprs, &sqlparser.AliasedExpr{Expr: col})
		values, ok := bound[k.Key]
		if !ok {
			continue
		}
		tuple := sqlparser.ValTuple{}
		for _, v := range values {
			tuple = append(tuple, sqlparser.NewStrVal([]byte(toText(v))))
		}
		and(&sqlparser.ComparisonExpr{Operator: sqlparser.InStr, Left: col, Right: tuple})
	}
	if where != nil {
		sel.Where = sqlparser.NewWhere(sqlparser.WhereStr, where)
	}
	return sel, nil
}

// parseCondition parses a schema's SQL condition.
func parseCondition(cond string) (sqlparser.Expr, error) {
	stmt, err := sqlparser.Parse("SELECT 1 FROM t WHERE " + cond)
	if err != nil {
		return nil, err
	}
	sel, ok := stmt.(*sqlparser.Select)
	if !ok || sel.Where == nil {
		return nil, fmt.Errorf("not a condition")
	}
	return sel.Where.Expr, nil
}

// planOrderAndLimit pushes ORDER BY and LIMIT to Graph when Graph's answer
// would be exactly the driver's: one listing, every predicate pushed, and an
// order Graph can produce. Otherwise the driver sorts and limits. A pushed
// filter that Graph applies only with a matching $orderby brings that
// $orderby along, whatever the query's ORDER BY.
func (s *scope) planOrderAndLimit(scan *tableScan, plan *Plan, pushedAll bool, opts Options) {
	t := scan.table
	if scan.delta {
		// No $orderby; and the rows a delta function returns beyond the
		// query's own make a LIMIT no $top.
		scan.query.Top = t.Delta.MaxPageSize
		if opts.PageSize > 0 && t.Delta.MaxPageSize > 0 {
			scan.query.Top = min(opts.PageSize, t.Delta.MaxPageSize)
		}
		return
	}
	single := !scan.get && t.Batch == nil && scan.parent == nil && singleBinding(scan.bound)
	orderPushed := len(plan.order) == 0
	if single && len(plan.order) > 0 {
		if orderBy, advanced, ok := s.graphOrder(t, plan.order); ok && scan.orderMatches(orderBy) {
			scan.query.OrderBy = orderBy
			orderPushed = true
			plan.order = nil // Graph returns rows in this order
			if advanced || (scan.query.Filter != "" && t.EventualCount) {
				scan.advancedQuery()
			}
		}
	}
	if scan.ordered != nil && scan.query.OrderBy == nil {
		scan.query.OrderBy = []string{scan.ordered.Property + " desc"}
	}
	if scan.get || t.MaxPageSize == 0 || t.Batch != nil {
		return
	}
	scan.query.Top = t.MaxPageSize
	if opts.PageSize > 0 {
		scan.query.Top = min(opts.PageSize, t.MaxPageSize)
	}
	// Nested and unnested tables make several rows (or none) of an item,
	// so a LIMIT says nothing about how many items to ask for.
	rowsAreItems := t.Nested == nil && t.Unnest == ""
	if single && pushedAll && orderPushed && rowsAreItems && plan.limit >= 0 {
		scan.query.Top = int(max(1, min(plan.limit+plan.offset, int64(t.MaxPageSize))))
		scan.limitPushed = true
	}
}

// orderMatches: with a filter that needs its own $orderby, only that exact
// order can be pushed.
func (scan *tableScan) orderMatches(orderBy []string) bool {
	return scan.ordered == nil || (len(orderBy) == 1 && orderBy[0] == scan.ordered.Property+" desc")
}

func singleBinding(bound map[string][]driver.Value) bool {
	for _, vs := range bound {
		if len(vs) != 1 {
			return false
		}
	}
	return true
}

// graphOrder translates ORDER BY when every item is a column Graph can
// order that way; advanced reports that Graph needs ConsistencyLevel:
// eventual for it.
func (s *scope) graphOrder(t *schema.Table, keys []orderKey) (orderBy []string, advanced, ok bool) {
	for _, key := range keys {
		// key.e was resolved like the driver's own sort (positions and
		// aliases first), so only a bare column of this table qualifies.
		if key.e.col < 0 || key.e.col >= len(t.Columns) {
			return nil, false, false
		}
		col := &t.Columns[key.e.col]
		if col.Property == "" || (t.Unnest != "" && !col.FromItem) {
			return nil, false, false
		}
		switch {
		case col.SortDescOnly && key.desc:
			orderBy = append(orderBy, col.Property+" desc")
		case col.SortDescOnly, !col.Sortable:
			return nil, false, false
		case key.desc && !t.EventualCount:
			return nil, false, false
		case key.desc:
			orderBy = append(orderBy, col.Property+" desc")
			advanced = true
		default:
			orderBy = append(orderBy, col.Property)
		}
	}
	return orderBy, advanced, true
}

func (scan *tableScan) advancedQuery() {
	scan.header = http.Header{"Consistencylevel": []string{"eventual"}}
	scan.query.Count = true
}

// selectList names the Graph properties behind every column the query uses.
func (s *scope) selectList(t *schema.Table) []string {
	var props []string
	seen := map[string]bool{}
	add := func(p string) {
		if p != "" && !seen[p] {
			seen[p] = true
			props = append(props, p)
		}
	}
	if _, col, ok := t.Column("Id"); ok {
		add(col.SelectName())
	}
	for i := range t.Columns {
		if s.used[i] {
			add(t.Columns[i].SelectName())
		}
	}
	return props
}

func (s *scope) neededColumns(t *schema.Table) []int {
	var needed []int
	for i := range t.Columns {
		if s.used[i] {
			needed = append(needed, i)
		}
	}
	return needed
}

// graphRequest is the Graph request for one set of key values.
func (scan *tableScan) graphRequest(keys map[string]driver.Value) graph.Request {
	if b := scan.table.Batch; b != nil {
		return graph.Request{Method: http.MethodPost, Path: b.Path, Header: scan.header}
	}
	path := scan.listPath
	if scan.get {
		path = scan.table.GetPath
	}
	for _, k := range schema.PathKeys(path) {
		path = strings.Replace(path, "{"+k+"}", graph.Path(toText(keys[k]))[1:], 1)
	}
	q := scan.query
	if scan.get {
		q = graph.Query{Select: q.Select, Expand: q.Expand}
	}
	return graph.Request{Path: path, Query: q, Header: scan.header}
}

// keyIter yields the path key values of each Graph request a scan makes.
type keyIter interface {
	next(ctx context.Context) (map[string]driver.Value, error)
}

// scanIter turns Graph pages into table rows.
type scanIter struct {
	scan  *tableScan
	f     Fetcher
	keys  keyIter
	cur   map[string]driver.Value
	pager Pager
	items []itemRaw
	rows  [][]driver.Value // rows made from the current item, not yet returned

	queue    []*pendingRead // reads started ahead, in key order (prefetch.go)
	keysDone bool
}

type itemRaw = json.RawMessage

func newScanIter(scan *tableScan, f Fetcher) *scanIter {
	var keys keyIter = newProductIter(scan.bound)
	if scan.parent != nil {
		keys = &parentKeyIter{bound: scan.bound, keys: scan.parentKeys, rows: scan.parent.Run(f), width: len(scan.parent.Columns)}
	}
	return &scanIter{scan: scan, f: f, keys: keys}
}

func (it *scanIter) next(ctx context.Context) ([]driver.Value, error) {
	for len(it.rows) == 0 {
		for len(it.items) == 0 {
			if err := it.fill(ctx); err != nil {
				return nil, err
			}
		}
		raw := it.items[0]
		it.items = it.items[1:]
		rows, err := it.rowsOf(ctx, raw)
		if err != nil {
			return nil, err
		}
		it.rows = rows
	}
	row := it.rows[0]
	it.rows = it.rows[1:]
	return row, nil
}

// fill loads the next page, moving on to the next key combination when
// the current listing is exhausted.
func (it *scanIter) fill(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if it.scan.table.Batch != nil {
		return it.fillBatch(ctx)
	}
	if it.pager != nil {
		page, err := it.pager.Next(ctx)
		if err == nil {
			it.items = page.Items
			return nil
		}
		if !errors.Is(err, io.EOF) {
			return it.scan.explainFailure(err)
		}
		it.pager = nil
	}
	read, err := it.takeRead(ctx)
	if err != nil {
		return err
	}
	it.cur = read.keys
	if it.scan.get {
		if errors.Is(read.err, graph.ErrNotFound) {
			return nil // no such entity: no row, as a WHERE Id = 'x' on a table would give
		}
		if read.err != nil {
			return read.err
		}
		it.items = []itemRaw{read.body}
		return nil
	}
	switch {
	case errors.Is(read.err, io.EOF):
		return nil // an empty listing
	case read.err != nil:
		return it.scan.explainFailure(read.err)
	}
	it.pager, it.items = read.pager, read.page.Items
	return nil
}

// explainFailure adds a hint when Graph refuses a path that only works
// with delegated permissions (/me/..., /chats) and a keyed path would
// serve application permissions: the query should bind that key. The
// error then matches both Graph's error and ErrMissingKey.
func (scan *tableScan) explainFailure(err error) error {
	t := scan.table
	if scan.listPath != t.ListPath || len(t.KeyedPaths) == 0 ||
		!(errors.Is(err, graph.ErrBadRequest) || errors.Is(err, graph.ErrForbidden) || errors.Is(err, graph.ErrUnauthorized)) {
		return err
	}
	keys := schema.PathKeys(t.KeyedPaths[0])
	hint := fmt.Sprintf("with application permissions a query on %s needs %s: add WHERE %s = '...' to read %s",
		t.Name, strings.Join(keys, " and "), keys[0], t.KeyedPaths[0])
	if supplier := schema.Default.Supplier(t, keys[0]); supplier != "" {
		hint += fmt.Sprintf(" (%s lists the values)", supplier)
	}
	return fmt.Errorf("%w (%s lists %s for the signed-in user only; %w: %s)", err, t.ListPath, t.Name, ErrMissingKey, hint)
}

// fillBatch sends one POST with up to MaxKeys values of the batch key.
func (it *scanIter) fillBatch(ctx context.Context) error {
	b := it.scan.table.Batch
	var values []string
	for len(values) < b.MaxKeys {
		keys, err := it.keys.next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		if v := keys[b.KeyColumn]; v != nil {
			values = append(values, toText(v))
		}
	}
	if len(values) == 0 {
		return io.EOF
	}
	poster, ok := it.f.(Poster)
	if !ok {
		return fmt.Errorf("reading %s needs POST %s, which this connection cannot send", it.scan.table.Name, b.Path)
	}
	body, err := json.Marshal(map[string][]string{b.BodyProperty: values})
	if err != nil {
		return err
	}
	resp, err := poster.Post(ctx, it.scan.graphRequest(nil), body)
	if err != nil {
		return err
	}
	var page struct {
		Value []json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal(resp, &page); err != nil {
		return fmt.Errorf("decoding POST %s: the response is not a collection: %w", b.Path, err)
	}
	it.cur = map[string]driver.Value{}
	it.items = page.Value
	return nil
}

// productIter yields every combination of the bound key values.
type productIter struct {
	names  []string
	values [][]driver.Value
	pos    []int
	done   bool
}

func newProductIter(bound map[string][]driver.Value) *productIter {
	it := &productIter{}
	for name := range bound {
		it.names = append(it.names, name)
	}
	sort.Strings(it.names) // a fixed request order
	for _, name := range it.names {
		it.values = append(it.values, dedupe(bound[name]))
	}
	it.pos = make([]int, len(it.names))
	return it
}

func dedupe(values []driver.Value) []driver.Value {
	var out []driver.Value
	seen := map[string]bool{}
	for _, v := range values {
		if k := toText(v); !seen[k] {
			seen[k] = true
			out = append(out, v)
		}
	}
	return out
}

func (it *productIter) next(context.Context) (map[string]driver.Value, error) {
	if it.done {
		return nil, io.EOF
	}
	keys := make(map[string]driver.Value, len(it.names))
	for i, name := range it.names {
		keys[name] = it.values[i][it.pos[i]]
	}
	it.advance()
	return keys, nil
}

func (it *productIter) advance() {
	for i := len(it.pos) - 1; i >= 0; i-- {
		it.pos[i]++
		if it.pos[i] < len(it.values[i]) {
			return
		}
		it.pos[i] = 0
	}
	it.done = true
}

// parentKeyIter takes key values from the rows of the parent table's plan.
type parentKeyIter struct {
	bound map[string][]driver.Value
	keys  []string
	rows  *Cursor
	width int
}

func (it *parentKeyIter) next(ctx context.Context) (map[string]driver.Value, error) {
	row := make([]driver.Value, it.width)
	if err := it.rows.Next(ctx, row); err != nil {
		return nil, err
	}
	keys := make(map[string]driver.Value, len(it.keys)+len(it.bound))
	for name, values := range it.bound {
		keys[name] = values[0]
	}
	for i, name := range it.keys {
		keys[name] = row[i]
	}
	return keys, nil
}
