package planner

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/xwb1989/sqlparser"
)

// joinStep is one table of the FROM clause, in order; every step after the
// first joins the rows built so far.
type joinStep struct {
	src  source
	left bool           // LEFT JOIN: keep outer rows without a match
	on   sqlparser.Expr // the ON condition, nil for the first table or a comma join
}

// fromClause flattens FROM into a left-deep list of tables.
func fromClause(from sqlparser.TableExprs, opts Options) ([]joinStep, error) {
	if len(from) == 0 {
		return nil, errNoTable
	}
	var steps []joinStep
	for _, te := range from {
		more, err := flattenJoin(te, opts)
		if err != nil {
			return nil, err
		}
		steps = append(steps, more...)
	}
	offset := 0
	seen := map[string]bool{}
	for i := range steps {
		steps[i].src.offset = offset
		offset += len(steps[i].src.table.Columns)
		alias := strings.ToLower(steps[i].src.alias)
		if seen[alias] {
			return nil, fmt.Errorf("table or alias %s appears twice in FROM: give each an alias", steps[i].src.alias)
		}
		seen[alias] = true
	}
	return steps, nil
}

func flattenJoin(te sqlparser.TableExpr, opts Options) ([]joinStep, error) {
	switch te := te.(type) {
	case *sqlparser.AliasedTableExpr:
		src, err := tableSource(te, opts)
		if err != nil {
			return nil, err
		}
		return []joinStep{{src: src}}, nil
	case *sqlparser.ParenTableExpr:
		var steps []joinStep
		for _, inner := range te.Exprs {
			more, err := flattenJoin(inner, opts)
			if err != nil {
				return nil, err
			}
			steps = append(steps, more...)
		}
		return steps, nil
	case *sqlparser.JoinTableExpr:
		return flattenJoinExpr(te, opts)
	}
	return nil, unsupported("the FROM item %s", sqlparser.String(te))
}

func flattenJoinExpr(te *sqlparser.JoinTableExpr, opts Options) ([]joinStep, error) {
	left, err := flattenJoin(te.LeftExpr, opts)
	if err != nil {
		return nil, err
	}
	rightExpr, ok := te.RightExpr.(*sqlparser.AliasedTableExpr)
	if !ok {
		return nil, unsupported("a parenthesised join on the right of JOIN")
	}
	right, err := tableSource(rightExpr, opts)
	if err != nil {
		return nil, err
	}
	step := joinStep{src: right, on: te.Condition.On}
	switch te.Join {
	case sqlparser.JoinStr, sqlparser.StraightJoinStr:
	case sqlparser.LeftJoinStr:
		step.left = true
	default:
		return nil, unsupported("%s (use JOIN or LEFT JOIN)", strings.ToUpper(te.Join))
	}
	if len(te.Condition.Using) > 0 {
		return nil, unsupported("JOIN ... USING (write ON a.x = b.x)")
	}
	return append(left, step), nil
}

func tableSource(te *sqlparser.AliasedTableExpr, opts Options) (source, error) {
	name, ok := te.Expr.(sqlparser.TableName)
	if !ok {
		return source{}, unsupported("subqueries in FROM")
	}
	table, err := lookupTable(name, opts.Catalog)
	if err != nil {
		return source{}, err
	}
	alias := te.As.String()
	if alias == "" {
		alias = table.Name
	}
	return source{alias: alias, table: table}, nil
}

// joinPlan reads the first table, then each joined table per row or once.
type joinPlan struct {
	first *leafPlan
	steps []*joinLevel
	width int
}

// leafPlan reads one table of a join with the predicates that concern it alone.
type leafPlan struct {
	src       source           // with offset 0: the table's own row
	srcOffset int              // where its columns sit in the combined row
	conds     []sqlparser.Expr // pushed into its Graph requests
	used      map[int]bool     // table-relative columns the query reads
	params    params
	opts      Options
	static    sourcePlan // planned once when nothing binds it per outer row
	template  string     // EXPLAIN text for per-row plans
}

// joinLevel joins one more table.
type joinLevel struct {
	leaf  *leafPlan
	left  bool
	on    *expr     // full ON condition over the combined row (nil: none)
	binds []keyBind // nested loop: inner key column <- outer expression
	hash  []hashKey // hash join keys, when nothing binds
}

type keyBind struct {
	column    string
	outer     *expr
	outerText string // for EXPLAIN
}

type hashKey struct{ outer, inner *expr }

func (s *scope) planJoin(steps []joinStep, where sqlparser.Expr, opts Options) (sourcePlan, error) {
	whereConds := conjuncts(where)
	jp := &joinPlan{width: s.aggBase}
	// Compile every ON condition first: they mark columns as read, which
	// each table's $select must include.
	for i := 1; i < len(steps); i++ {
		level, err := s.joinLevel(i, steps[i], whereConds)
		if err != nil {
			return nil, err
		}
		jp.steps = append(jp.steps, level)
	}
	var err error
	if jp.first, err = s.leaf(0, steps[0], whereConds, nil, opts); err != nil {
		return nil, err
	}
	for i, level := range jp.steps {
		step := steps[i+1]
		pushable := conjuncts(step.on)
		if !step.left {
			pushable = append(pushable, whereConds...)
		}
		if level.leaf, err = s.leaf(i+1, step, pushable, level.binds, opts); err != nil {
			return nil, err
		}
	}
	return jp, nil
}

func (s *scope) joinLevel(i int, step joinStep, whereConds []sqlparser.Expr) (*joinLevel, error) {
	level := &joinLevel{left: step.left}
	var err error
	if step.on != nil {
		if level.on, err = s.compile(step.on); err != nil {
			return nil, fmt.Errorf("ON: %w", err)
		}
	}
	equalities, err := s.joinEqualities(i, conjuncts(step.on), step.left, whereConds)
	if err != nil {
		return nil, err
	}
	for _, eq := range equalities {
		if isListKey(step.src.table, eq.innerColumn) {
			level.binds = append(level.binds, keyBind{column: eq.innerColumn, outer: eq.outer, outerText: eq.outerText})
		}
	}
	if len(level.binds) == 0 {
		for _, eq := range equalities {
			level.hash = append(level.hash, hashKey{outer: eq.outer, inner: eq.inner})
		}
	}
	return level, nil
}

// equality is "inner.col = expression over earlier tables" in a join.
type equality struct {
	innerColumn string
	inner       *expr
	outer       *expr
	outerText   string
}

func (s *scope) joinEqualities(i int, onConds []sqlparser.Expr, left bool, whereConds []sqlparser.Expr) ([]equality, error) {
	conds := onConds
	if !left {
		conds = append(append([]sqlparser.Expr(nil), onConds...), whereConds...)
	}
	var out []equality
	for _, c := range conds {
		cmp, ok := c.(*sqlparser.ComparisonExpr)
		if !ok || cmp.Operator != sqlparser.EqualStr {
			continue
		}
		for _, pair := range [][2]sqlparser.Expr{{cmp.Left, cmp.Right}, {cmp.Right, cmp.Left}} {
			eq, ok, err := s.equality(i, pair[0], pair[1])
			if err != nil {
				return nil, err
			}
			if ok {
				out = append(out, eq)
				break
			}
		}
	}
	return out, nil
}

func (s *scope) equality(i int, innerSide, outerSide sqlparser.Expr) (equality, bool, error) {
	col, ok := innerSide.(*sqlparser.ColName)
	if !ok {
		return equality{}, false, nil
	}
	innerSrcs, err := s.sourcesOf(col)
	if err != nil || len(innerSrcs) != 1 || !innerSrcs[i] {
		return equality{}, false, err
	}
	outerSrcs, err := s.sourcesOf(outerSide)
	if err != nil || len(outerSrcs) == 0 {
		return equality{}, false, err
	}
	for k := range outerSrcs {
		if k >= i {
			return equality{}, false, nil
		}
	}
	inner, err := s.compile(col)
	if err != nil {
		return equality{}, false, err
	}
	outer, err := s.compile(outerSide)
	if err != nil {
		return equality{}, false, err
	}
	_, column, _ := s.resolve(col)
	return equality{innerColumn: column.Name, inner: inner, outer: outer, outerText: sqlparser.String(outerSide)}, true, nil
}

// sourcesOf lists which FROM tables an expression reads.
func (s *scope) sourcesOf(e sqlparser.Expr) (map[int]bool, error) {
	out := map[int]bool{}
	var resolveErr error
	_ = sqlparser.Walk(func(node sqlparser.SQLNode) (bool, error) {
		switch n := node.(type) {
		case *sqlparser.Subquery:
			return false, nil
		case *sqlparser.ColName:
			pos, _, err := s.resolve(n)
			if err != nil {
				resolveErr = err
				return false, nil
			}
			out[s.sourceAt(pos)] = true
		}
		return true, nil
	}, e)
	return out, resolveErr
}

func (s *scope) sourceAt(pos int) int {
	for i := len(s.sources) - 1; i >= 0; i-- {
		if pos >= s.sources[i].offset {
			return i
		}
	}
	return 0
}

// leaf prepares the reading of table i with the conditions that mention
// only it (and constants), so they are pushed into its Graph requests.
func (s *scope) leaf(i int, step joinStep, conds []sqlparser.Expr, binds []keyBind, opts Options) (*leafPlan, error) {
	lp := &leafPlan{src: step.src, srcOffset: step.src.offset, used: map[int]bool{}, params: s.params, opts: opts}
	lp.src.offset = 0
	for pos := range s.used {
		if s.sourceAt(pos) == i {
			lp.used[pos-step.src.offset] = true
		}
	}
	for _, c := range conds {
		srcs, err := s.sourcesOf(c)
		if err != nil {
			return nil, err
		}
		if len(srcs) == 1 && srcs[i] && !containsSubquery(c) {
			lp.conds = append(lp.conds, c)
		}
	}
	if len(binds) == 0 {
		static, err := lp.planFor(nil)
		if err != nil {
			return nil, err
		}
		lp.static = static
		return lp, nil
	}
	keys := map[string]driver.Value{}
	for _, b := range binds {
		keys[b.column] = "{" + b.outerText + "}"
	}
	template, err := lp.planFor(keys)
	if err != nil {
		return nil, err
	}
	lp.template = strings.Join(template.explain(""), "\n")
	return lp, nil
}

func containsSubquery(e sqlparser.Expr) bool {
	found := false
	_ = sqlparser.Walk(func(node sqlparser.SQLNode) (bool, error) {
		if _, ok := node.(*sqlparser.Subquery); ok {
			found = true
		}
		return !found, nil
	}, e)
	return found
}

// planFor plans the table with its own conditions plus key = value for
// each bound key (the nested loop's values from the outer row).
func (lp *leafPlan) planFor(keys map[string]driver.Value) (sourcePlan, error) {
	if local, ok := localTableFor(lp.src.table); ok {
		return local.plan(lp.opts), nil
	}
	sc := newScope(lp.params, lp.src)
	for pos := range lp.used {
		sc.used[pos] = true
	}
	conds := append([]sqlparser.Expr(nil), lp.conds...)
	for _, name := range sortedKeys(keys) {
		col := &sqlparser.ColName{Name: sqlparser.NewColIdent(name), Qualifier: sqlparser.TableName{Name: sqlparser.NewTableIdent(lp.src.alias)}}
		conds = append(conds, &sqlparser.ComparisonExpr{Operator: sqlparser.EqualStr, Left: col, Right: valueLiteral(keys[name])})
	}
	return sc.planScan(lp.src.table, andAll(conds), &Plan{limit: -1}, lp.opts)
}

func sortedKeys(m map[string]driver.Value) []string {
	return slices.Sorted(maps.Keys(m))
}

func andAll(conds []sqlparser.Expr) sqlparser.Expr {
	var out sqlparser.Expr
	for _, c := range conds {
		if out == nil {
			out = c
			continue
		}
		out = &sqlparser.AndExpr{Left: out, Right: c}
	}
	return out
}

// valueLiteral writes a row value back as a SQL literal for re-planning.
func valueLiteral(v driver.Value) sqlparser.Expr {
	switch x := v.(type) {
	case nil:
		return &sqlparser.NullVal{}
	case bool:
		return sqlparser.BoolVal(x)
	case int64:
		return sqlparser.NewIntVal([]byte(fmt.Sprint(x)))
	case float64:
		return sqlparser.NewFloatVal([]byte(fmt.Sprint(x)))
	case time.Time:
		return sqlparser.NewStrVal([]byte(x.UTC().Format(time.RFC3339Nano)))
	}
	return sqlparser.NewStrVal([]byte(toText(v)))
}

func (jp *joinPlan) open(f Fetcher) rowIter {
	var it rowIter = &widenIter{src: jp.first.static.open(f), width: jp.width}
	for _, level := range jp.steps {
		it = &joinIter{outer: it, level: level, f: f, width: jp.width}
	}
	return it
}

func (jp *joinPlan) explain(indent string) []string {
	lines := []string{indent + "read " + jp.first.src.table.Name + ":"}
	lines = append(lines, jp.first.static.explain(indent+"  ")...)
	for _, level := range jp.steps {
		lines = append(lines, level.explain(indent)...)
	}
	return lines
}

func (l *joinLevel) explain(indent string) []string {
	kind := "join"
	if l.left {
		kind = "left join"
	}
	name := l.leaf.src.table.Name
	switch {
	case len(l.binds) > 0:
		var cols []string
		for _, b := range l.binds {
			cols = append(cols, b.column)
		}
		lines := []string{fmt.Sprintf("%s%s %s: nested loop, for each row so far read %s with %s bound from it:", indent, kind, name, name, strings.Join(cols, ", "))}
		for _, t := range strings.Split(l.leaf.template, "\n") {
			lines = append(lines, indent+"  "+t)
		}
		return lines
	case len(l.hash) > 0:
		lines := []string{fmt.Sprintf("%s%s %s: hash join, read %s once:", indent, kind, name, name)}
		return append(lines, l.leaf.static.explain(indent+"  ")...)
	}
	lines := []string{fmt.Sprintf("%s%s %s: nested loop over %s read once:", indent, kind, name, name)}
	return append(lines, l.leaf.static.explain(indent+"  ")...)
}

// widenIter places a table's rows in full-width combined rows.
type widenIter struct {
	src    rowIter
	width  int
	offset int
}

func (it *widenIter) next(ctx context.Context) ([]driver.Value, error) {
	row, err := it.src.next(ctx)
	if err != nil {
		return nil, err
	}
	wide := make([]driver.Value, it.width)
	copy(wide[it.offset:], row)
	return wide, nil
}

// joinIter pairs each outer row with the matching rows of one more table.
type joinIter struct {
	outer   rowIter
	level   *joinLevel
	f       Fetcher
	width   int
	cur     []driver.Value // current outer row
	inner   rowIter        // its candidate inner rows
	matched bool
	table   *hashTable // hash join: the inner table, built once
	all     [][]driver.Value
	loaded  bool

	// Nested loop: the next outer rows with their inner reads already
	// started (fanOutDepth of them), so their Graph requests overlap.
	ahead     []outerRead
	outerDone bool
	outerErr  error // returned once the rows read before it are used
}

type outerRead struct {
	row   []driver.Value
	inner rowIter
}

// primer is a row source that can start its first Graph reads before its
// first row is asked for.
type primer interface {
	prime(ctx context.Context) error
}

func (it *scanIter) prime(ctx context.Context) error { return it.topUp(ctx) }

func (it *joinIter) next(ctx context.Context) ([]driver.Value, error) {
	for {
		if it.inner == nil {
			if err := it.advanceOuter(ctx); err != nil {
				return nil, err
			}
		}
		inner, err := it.inner.next(ctx)
		if errors.Is(err, io.EOF) {
			it.inner = nil
			if it.level.left && !it.matched {
				return it.cur, nil // outer row with NULLs for this table
			}
			continue
		}
		if err != nil {
			return nil, err
		}
		row := it.combine(inner)
		ok, err := it.onHolds(row)
		if err != nil {
			return nil, err
		}
		if ok {
			it.matched = true
			return row, nil
		}
	}
}

func (it *joinIter) advanceOuter(ctx context.Context) error {
	if len(it.level.binds) == 0 {
		row, err := it.outer.next(ctx)
		if err != nil {
			return err
		}
		it.cur, it.matched = row, false
		it.inner, err = it.candidates(ctx, row)
		return err
	}
	it.readAhead(ctx)
	if len(it.ahead) == 0 {
		if it.outerErr != nil {
			return it.outerErr
		}
		return io.EOF
	}
	next := it.ahead[0]
	it.ahead = it.ahead[1:]
	it.cur, it.matched, it.inner = next.row, false, next.inner
	return nil
}

// readAhead reads outer rows until fanOutDepth inner reads are under way.
func (it *joinIter) readAhead(ctx context.Context) {
	for len(it.ahead) < fanOutDepth && !it.outerDone {
		row, err := it.outer.next(ctx)
		var inner rowIter
		if err == nil {
			inner, err = it.candidates(ctx, row)
		}
		if p, ok := inner.(primer); ok && err == nil {
			err = p.prime(ctx)
		}
		if err == nil {
			it.ahead = append(it.ahead, outerRead{row: row, inner: inner})
			continue
		}
		it.outerDone = true
		if !errors.Is(err, io.EOF) {
			it.outerErr = err
		}
	}
}

func (it *joinIter) combine(inner []driver.Value) []driver.Value {
	row := append([]driver.Value(nil), it.cur...)
	copy(row[it.level.leaf.offset():], inner)
	return row
}

func (lp *leafPlan) offset() int { return lp.srcOffset }

func (it *joinIter) onHolds(row []driver.Value) (bool, error) {
	if it.level.on == nil {
		return true, nil
	}
	v, err := truth(it.level.on, row)
	return v == true, err
}

// candidates returns the inner rows worth testing against the outer row.
func (it *joinIter) candidates(ctx context.Context, outer []driver.Value) (rowIter, error) {
	level := it.level
	if len(level.binds) > 0 {
		keys := map[string]driver.Value{}
		for _, b := range level.binds {
			v, err := b.outer.eval(outer)
			if err != nil {
				return nil, err
			}
			if v == nil {
				return &sliceIter{}, nil // NULL never equals anything
			}
			keys[b.column] = v
		}
		plan, err := level.leaf.planFor(keys)
		if err != nil {
			return nil, err
		}
		return plan.open(it.f), nil
	}
	if err := it.load(ctx); err != nil {
		return nil, err
	}
	if it.table != nil {
		return &sliceIter{rows: it.table.probe(outer, level.hash)}, nil
	}
	return &sliceIter{rows: it.all}, nil
}

// load reads the inner table once (hash join or plain nested loop).
func (it *joinIter) load(ctx context.Context) error {
	if it.loaded {
		return nil
	}
	src := it.level.leaf.static.open(it.f)
	for {
		row, err := src.next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		it.all = append(it.all, row)
	}
	it.loaded = true
	if len(it.level.hash) > 0 {
		table, err := buildHashTable(it.all, it.level.hash, it.width, it.level.leaf.offset())
		if err != nil {
			return err
		}
		it.table = table
	}
	return nil
}

// hashTable indexes inner rows by their join key values.
type hashTable struct {
	buckets map[string][][]driver.Value
	width   int
	offset  int
}

func buildHashTable(rows [][]driver.Value, keys []hashKey, width, offset int) (*hashTable, error) {
	h := &hashTable{buckets: map[string][][]driver.Value{}, width: width, offset: offset}
	wide := make([]driver.Value, width)
	for _, row := range rows {
		copy(wide[offset:], row)
		key, ok, err := joinKey(wide, keys, func(k hashKey) *expr { return k.inner })
		if err != nil {
			return nil, err
		}
		if ok {
			h.buckets[key] = append(h.buckets[key], row)
		}
	}
	return h, nil
}

func (h *hashTable) probe(outer []driver.Value, keys []hashKey) [][]driver.Value {
	key, ok, err := joinKey(outer, keys, func(k hashKey) *expr { return k.outer })
	if err != nil || !ok {
		return nil // the ON condition reports evaluation errors on real pairs
	}
	return h.buckets[key]
}

// joinKey normalises key values so that equal SQL values (strings ignoring
// case, 1 and 1.0) meet in one bucket; NULL keys match nothing.
func joinKey(row []driver.Value, keys []hashKey, side func(hashKey) *expr) (string, bool, error) {
	var b strings.Builder
	for _, k := range keys {
		v, err := side(k).eval(row)
		if err != nil {
			return "", false, err
		}
		if v == nil {
			return "", false, nil
		}
		b.WriteString(normalizedKey(v))
		b.WriteByte(0)
	}
	return b.String(), true, nil
}

func normalizedKey(v driver.Value) string {
	switch x := v.(type) {
	case string:
		return "s" + strings.ToLower(x)
	case int64:
		return "n" + fmt.Sprint(float64(x))
	case float64:
		return "n" + fmt.Sprint(x)
	case bool:
		if x {
			return "n1"
		}
		return "n0"
	case time.Time:
		return "t" + x.UTC().Format(time.RFC3339Nano)
	}
	return "?" + toText(v)
}

type sliceIter struct{ rows [][]driver.Value }

func (it *sliceIter) next(context.Context) ([]driver.Value, error) {
	if len(it.rows) == 0 {
		return nil, io.EOF
	}
	row := it.rows[0]
	it.rows = it.rows[1:]
	return row, nil
}
