package planner

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"

	"github.com/xwb1989/sqlparser"
)

// subquery is an uncorrelated subquery, run once before the outer query
// reads its first row; expressions then read its values.
type subquery struct {
	plan   *Plan
	values []driver.Value // first column of every row
	loaded bool
}

func (s *scope) subquery(sq *sqlparser.Subquery) (*subquery, error) {
	sel, ok := sq.Select.(*sqlparser.Select)
	if !ok {
		return nil, unsupported("UNION in a subquery")
	}
	plan, err := planSelect(sel, s.params, s.opts)
	if err != nil {
		return nil, fmt.Errorf("subquery: %w (subqueries cannot refer to the outer query's columns)", err)
	}
	if len(plan.Columns) != 1 {
		return nil, fmt.Errorf("subquery must return one column, not %d", len(plan.Columns))
	}
	out := &subquery{plan: plan}
	s.subqueries = append(s.subqueries, out)
	return out, nil
}

func (sq *subquery) load(ctx context.Context, f Fetcher) error {
	if sq.loaded {
		return nil
	}
	cur := sq.plan.Run(f)
	row := make([]driver.Value, 1)
	for {
		err := cur.Next(ctx, row)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("subquery: %w", err)
		}
		sq.values = append(sq.values, row[0])
	}
	sq.loaded = true
	return nil
}

func (s *scope) scalarSubquery(e *sqlparser.Subquery) (*expr, error) {
	sq, err := s.subquery(e)
	if err != nil {
		return nil, err
	}
	return &expr{typ: sq.plan.Columns[0].Type, col: -1, eval: func([]driver.Value) (driver.Value, error) {
		switch len(sq.values) {
		case 0:
			return nil, nil
		case 1:
			return sq.values[0], nil
		}
		return nil, fmt.Errorf("a subquery used as a value returned %d rows; add LIMIT 1 or an aggregate", len(sq.values))
	}}, nil
}

func (s *scope) exists(e *sqlparser.ExistsExpr) (*expr, error) {
	sq, err := s.subquery(e.Subquery)
	if err != nil {
		return nil, err
	}
	return &expr{col: -1, typ: boolType, eval: func([]driver.Value) (driver.Value, error) {
		return len(sq.values) > 0, nil
	}}, nil
}

func (s *scope) inSubquery(e *sqlparser.ComparisonExpr, sqAST *sqlparser.Subquery) (*expr, error) {
	left, err := s.compile(e.Left)
	if err != nil {
		return nil, err
	}
	sq, err := s.subquery(sqAST)
	if err != nil {
		return nil, err
	}
	negate := e.Operator == sqlparser.NotInStr
	return &expr{typ: boolType, col: -1, eval: func(row []driver.Value) (driver.Value, error) {
		v, err := left.eval(row)
		if err != nil || v == nil {
			return nil, err
		}
		items := make([]*expr, len(sq.values))
		for i, w := range sq.values {
			items[i] = constant(w)
		}
		result, err := inList(v, items, row)
		if err != nil || result == nil {
			return nil, err
		}
		return result.(bool) != negate, nil
	}}, nil
}
