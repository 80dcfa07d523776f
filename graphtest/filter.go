package graphtest

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// This file is a small OData $filter parser and evaluator. Grammar, loosest
// binding first:
//
//	expr    = and { "or" and }
//	and     = unary { "and" unary }
//	unary   = "not" unary | compare
//	compare = primary [ ("eq"|"ne"|"gt"|"ge"|"lt"|"le") primary | "in" list ]
//	primary = "(" expr ")" | literal | name "(" [ expr { "," expr } ] ")" | name
//	list    = "(" literal { "," literal } ")"
//
// Literals are 'strings' (with '' as an escaped quote), true, false, null,
// numbers and datetimes such as 2026-01-01T00:00:00Z. Which property may be
// used with which operator is decided afterwards by the resource's rules (see
// filterTerms), so the parser stays shared by every collection.

// filterNode is a node of a parsed $filter expression.
type filterNode interface{ filterNode() }

type (
	logicalNode struct { // and, or
		op          string
		left, right filterNode
	}
	notNode     struct{ operand filterNode }
	compareNode struct { // eq, ne, gt, ge, lt, le
		op          string
		left, right filterNode
	}
	inNode struct {
		left   filterNode
		values []any
	}
	callNode struct { // startswith, endswith, ...
		name string
		args []filterNode
	}
	propertyNode struct{ name string }
	literalNode  struct{ value any } // string, bool, nil, float64 or time.Time
)

func (logicalNode) filterNode()  {}
func (notNode) filterNode()      {}
func (compareNode) filterNode()  {}
func (inNode) filterNode()       {}
func (callNode) filterNode()     {}
func (propertyNode) filterNode() {}
func (literalNode) filterNode()  {}

// filterSyntaxError describes where a $filter stopped making sense.
type filterSyntaxError struct {
	pos int
	msg string
}

func (e *filterSyntaxError) Error() string {
	return fmt.Sprintf("%s at position %d", e.msg, e.pos)
}

type tokenKind int

const (
	tokEOF tokenKind = iota
	tokName
	tokString
	tokNumber
	tokDateTime
	tokLParen
	tokRParen
	tokComma
)

type filterToken struct {
	kind tokenKind
	text string // names as written; strings unescaped
	num  float64
	time time.Time
	pos  int
}

func tokenizeFilter(src string) ([]filterToken, error) {
	var toks []filterToken
	i := 0
	for i < len(src) {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '(':
			toks = append(toks, filterToken{kind: tokLParen, pos: i})
			i++
		case c == ')':
			toks = append(toks, filterToken{kind: tokRParen, pos: i})
			i++
		case c == ',':
			toks = append(toks, filterToken{kind: tokComma, pos: i})
			i++
		case c == '\'':
			tok, next, err := scanString(src, i)
			if err != nil {
				return nil, err
			}
			toks = append(toks, tok)
			i = next
		case c == '-' || (c >= '0' && c <= '9'):
			tok, next, err := scanNumberOrDateTime(src, i)
			if err != nil {
				return nil, err
			}
			toks = append(toks, tok)
			i = next
		case isNameStart(rune(c)):
			start := i
			for i < len(src) && isNamePart(rune(src[i])) {
				i++
			}
			toks = append(toks, filterToken{kind: tokName, text: src[start:i], pos: start})
		default:
			return nil, &filterSyntaxError{pos: i, msg: fmt.Sprintf("Syntax error: character '%c' is not valid", c)}
		}
	}
	return append(toks, filterToken{kind: tokEOF, pos: len(src)}), nil
}

func isNameStart(r rune) bool { return r == '_' || r == '@' || r == '$' || unicode.IsLetter(r) }

// isNamePart accepts '/' and '.' so that paths such as "assignedLicenses/any"
// arrive whole and can be rejected as unsupported rather than misparsed.
func isNamePart(r rune) bool {
	return isNameStart(r) || unicode.IsDigit(r) || r == '/' || r == '.'
}

func scanString(src string, start int) (filterToken, int, error) {
	var b strings.Builder
	i := start + 1
	for i < len(src) {
		if src[i] == '\'' {
			if i+1 < len(src) && src[i+1] == '\'' {
				b.WriteByte('\'')
				i += 2
				continue
			}
			return filterToken{kind: tokString, text: b.String(), pos: start}, i + 1, nil
		}
		b.WriteByte(src[i])
		i++
	}
	return filterToken{}, 0, &filterSyntaxError{pos: start, msg: "Syntax error: unterminated string literal"}
}

// scanNumberOrDateTime reads a run of number/date characters and decides
// which it was.
func scanNumberOrDateTime(src string, start int) (filterToken, int, error) {
	i := start + 1
	for i < len(src) && strings.IndexByte("0123456789.-+:TZtze", src[i]) >= 0 {
		i++
	}
	text := src[start:i]
	if strings.ContainsAny(text, "T:") {
		t, err := time.Parse(time.RFC3339Nano, strings.ToUpper(text))
		if err != nil {
			return filterToken{}, 0, &filterSyntaxError{pos: start, msg: fmt.Sprintf("Syntax error: '%s' is not a valid datetime", text)}
		}
		return filterToken{kind: tokDateTime, time: t, text: text, pos: start}, i, nil
	}
	n, err := strconv.ParseFloat(text, 64)
	if err != nil {
		return filterToken{}, 0, &filterSyntaxError{pos: start, msg: fmt.Sprintf("Syntax error: '%s' is not a valid number", text)}
	}
	return filterToken{kind: tokNumber, num: n, text: text, pos: start}, i, nil
}

type filterParser struct {
	toks []filterToken
	i    int
}

// parseFilter parses an OData $filter expression.
func parseFilter(src string) (filterNode, error) {
	toks, err := tokenizeFilter(src)
	if err != nil {
		return nil, err
	}
	p := &filterParser{toks: toks}
	if p.peek().kind == tokEOF {
		return nil, &filterSyntaxError{pos: 0, msg: "Syntax error: empty expression"}
	}
	node, err := p.parseOr()
	if err != nil {
		return nil, err
	}
	if tok := p.peek(); tok.kind != tokEOF {
		return nil, &filterSyntaxError{pos: tok.pos, msg: "Syntax error: unexpected token"}
	}
	return node, nil
}

func (p *filterParser) peek() filterToken { return p.toks[p.i] }

func (p *filterParser) next() filterToken {
	tok := p.toks[p.i]
	if tok.kind != tokEOF {
		p.i++
	}
	return tok
}

// peekKeyword reports whether the next token is the given operator keyword.
// Keywords are matched case-insensitively, as Graph does.
func (p *filterParser) peekKeyword(words ...string) (string, bool) {
	tok := p.peek()
	if tok.kind != tokName {
		return "", false
	}
	for _, w := range words {
		if strings.EqualFold(tok.text, w) {
			return w, true
		}
	}
	return "", false
}

func (p *filterParser) parseOr() (filterNode, error) {
	left, err := p.parseAnd()
	for err == nil {
		if _, ok := p.peekKeyword("or"); !ok {
			return left, nil
		}
		p.next()
		var right filterNode
		right, err = p.parseAnd()
		left = logicalNode{op: "or", left: left, right: right}
	}
	return nil, err
}

func (p *filterParser) parseAnd() (filterNode, error) {
	left, err := p.parseUnary()
	for err == nil {
		if _, ok := p.peekKeyword("and"); !ok {
			return left, nil
		}
		p.next()
		var right filterNode
		right, err = p.parseUnary()
		left = logicalNode{op: "and", left: left, right: right}
	}
	return nil, err
}

func (p *filterParser) parseUnary() (filterNode, error) {
	if _, ok := p.peekKeyword("not"); ok {
		p.next()
		operand, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		return notNode{operand: operand}, nil
	}
	return p.parseCompare()
}

func (p *filterParser) parseCompare() (filterNode, error) {
	left, err := p.parsePrimary()
	if err != nil {
		return nil, err
	}
	if op, ok := p.peekKeyword("eq", "ne", "gt", "ge", "lt", "le"); ok {
		p.next()
		right, err := p.parsePrimary()
		if err != nil {
			return nil, err
		}
		return compareNode{op: op, left: left, right: right}, nil
	}
	if _, ok := p.peekKeyword("in"); ok {
		p.next()
		values, err := p.parseLiteralList()
		if err != nil {
			return nil, err
		}
		return inNode{left: left, values: values}, nil
	}
	return left, nil
}

func (p *filterParser) parseLiteralList() ([]any, error) {
	if tok := p.next(); tok.kind != tokLParen {
		return nil, &filterSyntaxError{pos: tok.pos, msg: "Syntax error: '(' expected after 'in'"}
	}
	var values []any
	for {
		tok := p.peek()
		lit, ok := literalOf(tok)
		if !ok {
			return nil, &filterSyntaxError{pos: tok.pos, msg: "Syntax error: literal expected in 'in' list"}
		}
		p.next()
		values = append(values, lit.value)
		switch sep := p.next(); sep.kind {
		case tokComma:
			continue
		case tokRParen:
			return values, nil
		default:
			return nil, &filterSyntaxError{pos: sep.pos, msg: "Syntax error: ',' or ')' expected"}
		}
	}
}

func (p *filterParser) parsePrimary() (filterNode, error) {
	tok := p.peek()
	if lit, ok := literalOf(tok); ok {
		p.next()
		return lit, nil
	}
	switch tok.kind {
	case tokLParen:
		p.next()
		inner, err := p.parseOr()
		if err != nil {
			return nil, err
		}
		if closing := p.next(); closing.kind != tokRParen {
			return nil, &filterSyntaxError{pos: closing.pos, msg: "Syntax error: ')' expected"}
		}
		return inner, nil
	case tokName:
		if isOperatorKeyword(tok.text) {
			return nil, &filterSyntaxError{pos: tok.pos, msg: fmt.Sprintf("Syntax error: unexpected '%s'", tok.text)}
		}
		p.next()
		if p.peek().kind == tokLParen {
			return p.parseCall(tok)
		}
		return propertyNode{name: tok.text}, nil
	case tokEOF:
		return nil, &filterSyntaxError{pos: tok.pos, msg: "Syntax error: unexpected end of expression"}
	}
	return nil, &filterSyntaxError{pos: tok.pos, msg: "Syntax error: unexpected token"}
}

func (p *filterParser) parseCall(name filterToken) (filterNode, error) {
	p.next() // "("
	call := callNode{name: strings.ToLower(name.text)}
	if p.peek().kind == tokRParen {
		p.next()
		return call, nil
	}
	for {
		arg, err := p.parseOr()
		if err != nil {
			return nil, err
		}
		call.args = append(call.args, arg)
		switch sep := p.next(); sep.kind {
		case tokComma:
			continue
		case tokRParen:
			return call, nil
		default:
			return nil, &filterSyntaxError{pos: sep.pos, msg: "Syntax error: ',' or ')' expected"}
		}
	}
}

func isOperatorKeyword(word string) bool {
	switch strings.ToLower(word) {
	case "and", "or", "not", "eq", "ne", "gt", "ge", "lt", "le", "in":
		return true
	}
	return false
}

func literalOf(tok filterToken) (literalNode, bool) {
	switch tok.kind {
	case tokString:
		return literalNode{value: tok.text}, true
	case tokNumber:
		return literalNode{value: tok.num}, true
	case tokDateTime:
		return literalNode{value: tok.time}, true
	case tokName:
		switch strings.ToLower(tok.text) {
		case "true":
			return literalNode{value: true}, true
		case "false":
			return literalNode{value: false}, true
		case "null":
			return literalNode{value: nil}, true
		}
	}
	return literalNode{}, false
}

// filterTerm is one "property operator literal" use found in a filter; the
// resource's rules decide whether it is allowed. A "not" term has no property.
type filterTerm struct {
	property string
	op       string // eq, ne, gt, ge, lt, le, in, startswith, endswith, not
}

// filterTerms lists the terms of a filter, and rejects shapes the emulator
// (like Graph for these resources) does not support: comparisons that are not
// "property op literal", unknown functions, lambdas and bare values.
func filterTerms(node filterNode) ([]filterTerm, error) {
	switch n := node.(type) {
	case logicalNode:
		left, err := filterTerms(n.left)
		if err != nil {
			return nil, err
		}
		right, err := filterTerms(n.right)
		if err != nil {
			return nil, err
		}
		return append(left, right...), nil
	case notNode:
		inner, err := filterTerms(n.operand)
		if err != nil {
			return nil, err
		}
		return append([]filterTerm{{op: "not"}}, inner...), nil
	case compareNode:
		prop, okProp := n.left.(propertyNode)
		_, okLit := n.right.(literalNode)
		if !okProp || !okLit {
			return nil, &filterSyntaxError{msg: fmt.Sprintf("operator '%s' needs a property on its left and a literal on its right", n.op)}
		}
		return []filterTerm{{property: prop.name, op: n.op}}, nil
	case inNode:
		prop, ok := n.left.(propertyNode)
		if !ok {
			return nil, &filterSyntaxError{msg: "operator 'in' needs a property on its left"}
		}
		return []filterTerm{{property: prop.name, op: "in"}}, nil
	case callNode:
		return callTerms(n)
	}
	return nil, &filterSyntaxError{msg: "the expression is not a boolean condition"}
}

func callTerms(n callNode) ([]filterTerm, error) {
	switch n.name {
	case "startswith", "endswith":
		if len(n.args) != 2 {
			return nil, &filterSyntaxError{msg: fmt.Sprintf("function '%s' takes two arguments", n.name)}
		}
		prop, okProp := n.args[0].(propertyNode)
		lit, okLit := n.args[1].(literalNode)
		if _, isString := lit.value.(string); !okProp || !okLit || !isString {
			return nil, &filterSyntaxError{msg: fmt.Sprintf("function '%s' needs a property and a string literal", n.name)}
		}
		return []filterTerm{{property: prop.name, op: n.name}}, nil
	}
	return nil, &filterSyntaxError{msg: fmt.Sprintf("unknown function '%s'", n.name)}
}

// evalFilter reports whether an entity (property name -> JSON value) matches.
// Names in the tree must already be the entity's canonical property names.
func evalFilter(node filterNode, entity map[string]any) bool {
	switch n := node.(type) {
	case logicalNode:
		if n.op == "and" {
			return evalFilter(n.left, entity) && evalFilter(n.right, entity)
		}
		return evalFilter(n.left, entity) || evalFilter(n.right, entity)
	case notNode:
		return !evalFilter(n.operand, entity)
	case compareNode:
		return compareValues(n.op, operandValue(n.left, entity), operandValue(n.right, entity))
	case inNode:
		v := operandValue(n.left, entity)
		for _, candidate := range n.values {
			if valuesEqual(v, candidate) {
				return true
			}
		}
		return false
	case callNode:
		return evalStringFunction(n, entity)
	case literalNode:
		b, _ := n.value.(bool)
		return b
	case propertyNode:
		b, _ := entity[n.name].(bool)
		return b
	}
	return false
}

func operandValue(node filterNode, entity map[string]any) any {
	switch n := node.(type) {
	case propertyNode:
		return entity[n.name]
	case literalNode:
		return n.value
	}
	return nil
}

func evalStringFunction(n callNode, entity map[string]any) bool {
	if len(n.args) != 2 {
		return false
	}
	s, ok1 := operandValue(n.args[0], entity).(string)
	affix, ok2 := operandValue(n.args[1], entity).(string)
	if !ok1 || !ok2 {
		return false // null never starts or ends with anything
	}
	s, affix = strings.ToLower(s), strings.ToLower(affix)
	if n.name == "endswith" {
		return strings.HasSuffix(s, affix)
	}
	return strings.HasPrefix(s, affix)
}

// valuesEqual compares like Graph: strings case-insensitively, datetimes by
// instant, null only to null.
func valuesEqual(a, b any) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	c, ok := orderValues(a, b)
	return ok && c == 0
}

func compareValues(op string, a, b any) bool {
	switch op {
	case "eq":
		return valuesEqual(a, b)
	case "ne":
		return !valuesEqual(a, b)
	}
	if a == nil || b == nil {
		return false // ordering comparisons with null are never true
	}
	c, ok := orderValues(a, b)
	if !ok {
		return false
	}
	switch op {
	case "gt":
		return c > 0
	case "ge":
		return c >= 0
	case "lt":
		return c < 0
	case "le":
		return c <= 0
	}
	return false
}

// orderValues compares two non-null values of compatible types. Datetimes are
// stored as RFC 3339 strings in entities and parsed when compared with a
// datetime literal.
func orderValues(a, b any) (int, bool) {
	switch x := a.(type) {
	case string:
		switch y := b.(type) {
		case string:
			return strings.Compare(strings.ToLower(x), strings.ToLower(y)), true
		case time.Time:
			t, err := time.Parse(time.RFC3339Nano, x)
			return t.Compare(y), err == nil
		}
	case time.Time:
		c, ok := orderValues(b, x)
		return -c, ok
	case bool:
		if y, ok := b.(bool); ok {
			return boolRank(x) - boolRank(y), true
		}
	case float64:
		if y, ok := b.(float64); ok {
			return cmpFloat(x, y), true
		}
	case int:
		if y, ok := b.(float64); ok {
			return cmpFloat(float64(x), y), true
		}
	}
	return 0, false
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

func cmpFloat(x, y float64) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// renameProperties rewrites property names through a resolver (used to map
// case-insensitive names to canonical ones) and returns the new tree.
func renameProperties(node filterNode, canonical func(string) string) filterNode {
	switch n := node.(type) {
	case logicalNode:
		return logicalNode{op: n.op, left: renameProperties(n.left, canonical), right: renameProperties(n.right, canonical)}
	case notNode:
		return notNode{operand: renameProperties(n.operand, canonical)}
	case compareNode:
		return compareNode{op: n.op, left: renameProperties(n.left, canonical), right: renameProperties(n.right, canonical)}
	case inNode:
		return inNode{left: renameProperties(n.left, canonical), values: n.values}
	case callNode:
		args := make([]filterNode, len(n.args))
		for i, a := range n.args {
			args[i] = renameProperties(a, canonical)
		}
		return callNode{name: n.name, args: args}
	case propertyNode:
		return propertyNode{name: canonical(n.name)}
	}
	return node
}
