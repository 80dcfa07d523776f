package procedures

import (
	"database/sql/driver"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Call is a parsed procedure call with its input values bound.
type Call struct {
	Procedure Procedure
	Args      map[string]string // canonical parameter name -> value; NULL and omitted parameters are absent
}

// Arg returns the value of an input parameter, "" when it was not given.
func (c *Call) Arg(name string) string { return c.Args[name] }

// Parse reads a procedure call: EXEC or EXECUTE followed by the name and
// "[@]Param = value" pairs or positional values, or CALL Name(...) with
// positional values or "Param => value" / "[@]Param = value" pairs. Values
// are 'strings' (a doubled quote stands for one quote), numbers, NULL, ? (the next positional
// argument) or @name / :name (the named argument). Named arguments that the
// text does not mention bind to parameters of the same name.
func Parse(query string, args []driver.NamedValue) (*Call, error) {
	toks, err := lex(query)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks, args: args, used: map[int]bool{}}
	return p.parseCall()
}

type tokenKind int

const (
	tokEOF tokenKind = iota
	tokIdent
	tokString
	tokNumber
	tokPlaceholder // ?
	tokNamedParam  // @name or :name
	tokPunct       // ( ) , = => ;
)

type token struct {
	kind tokenKind
	text string // identifier, unquoted string, number, parameter name or punctuation
	pos  int    // byte offset, for messages
}

func lex(s string) ([]token, error) {
	var toks []token
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case unicode.IsSpace(rune(c)):
			i++
		case c == '-' && strings.HasPrefix(s[i:], "--"):
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case c == '\'' || c == '"':
			text, next, err := lexQuoted(s, i)
			if err != nil {
				return nil, err
			}
			toks = append(toks, token{kind: tokString, text: text, pos: i})
			i = next
		case c == '[':
			end := strings.IndexByte(s[i:], ']')
			if end < 0 {
				return nil, fmt.Errorf("procedures: unclosed [ at offset %d", i)
			}
			toks = append(toks, token{kind: tokIdent, text: s[i+1 : i+end], pos: i})
			i += end + 1
		case c == '?':
			toks = append(toks, token{kind: tokPlaceholder, text: "?", pos: i})
			i++
		case (c == '@' || c == ':') && i+1 < len(s) && isIdentChar(s[i+1]):
			j := i + 1
			for j < len(s) && isIdentChar(s[j]) {
				j++
			}
			toks = append(toks, token{kind: tokNamedParam, text: s[i+1 : j], pos: i})
			i = j
		case c == '=' && strings.HasPrefix(s[i:], "=>"):
			toks = append(toks, token{kind: tokPunct, text: "=>", pos: i})
			i += 2
		case strings.IndexByte("(),=;", c) >= 0:
			toks = append(toks, token{kind: tokPunct, text: string(c), pos: i})
			i++
		case c == '-' || c == '.' || (c >= '0' && c <= '9'):
			j := i + 1
			for j < len(s) && (s[j] == '.' || (s[j] >= '0' && s[j] <= '9')) {
				j++
			}
			toks = append(toks, token{kind: tokNumber, text: s[i:j], pos: i})
			i = j
		case isIdentChar(c):
			j := i
			for j < len(s) && (isIdentChar(s[j]) || s[j] == '.') {
				j++
			}
			toks = append(toks, token{kind: tokIdent, text: s[i:j], pos: i})
			i = j
		default:
			return nil, fmt.Errorf("procedures: unexpected %q at offset %d", c, i)
		}
	}
	return append(toks, token{kind: tokEOF, pos: len(s)}), nil
}

func lexQuoted(s string, start int) (string, int, error) {
	quote := s[start]
	var b strings.Builder
	for i := start + 1; i < len(s); i++ {
		if s[i] != quote {
			b.WriteByte(s[i])
			continue
		}
		if i+1 < len(s) && s[i+1] == quote {
			b.WriteByte(quote)
			i++
			continue
		}
		return b.String(), i + 1, nil
	}
	return "", 0, fmt.Errorf("procedures: unclosed %c string starting at offset %d", quote, start)
}

func isIdentChar(c byte) bool {
	return c == '_' || c == '$' || c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}

type parser struct {
	toks []token
	i    int
	args []driver.NamedValue
	next int          // positional arguments consumed by ?
	used map[int]bool // indexes of args consumed
}

func (p *parser) peek() token { return p.toks[p.i] }
func (p *parser) take() token { t := p.toks[p.i]; p.i = min(p.i+1, len(p.toks)-1); return t }

func (p *parser) isPunct(text string) bool {
	t := p.peek()
	return t.kind == tokPunct && t.text == text
}

func (p *parser) parseCall() (*Call, error) {
	verb := p.take()
	keyword := strings.ToUpper(verb.text)
	if verb.kind != tokIdent || (keyword != "EXEC" && keyword != "EXECUTE" && keyword != "CALL") {
		return nil, fmt.Errorf("procedures: a procedure call starts with EXEC, EXECUTE or CALL")
	}
	nameTok := p.take()
	if nameTok.kind != tokIdent {
		return nil, fmt.Errorf("procedures: %s needs a procedure name; one of %s", keyword, strings.Join(names(), ", "))
	}
	proc, ok := Lookup(nameTok.text)
	if !ok {
		return nil, fmt.Errorf("procedures: unknown procedure %q; the procedures are %s", nameTok.text, strings.Join(names(), ", "))
	}
	call := &Call{Procedure: proc, Args: map[string]string{}}
	parenthesized := p.isPunct("(")
	if parenthesized {
		p.take()
	}
	if err := p.parseArguments(call); err != nil {
		return nil, err
	}
	if parenthesized {
		if !p.isPunct(")") {
			return nil, p.unexpected("a closing )")
		}
		p.take()
	}
	for p.isPunct(";") {
		p.take()
	}
	if p.peek().kind != tokEOF {
		return nil, p.unexpected("the end of the statement")
	}
	if err := p.bindUnmentionedNamedArgs(call); err != nil {
		return nil, err
	}
	return call, p.checkArgsUsed()
}

func (p *parser) parseArguments(call *Call) error {
	if t := p.peek(); t.kind == tokEOF || (t.kind == tokPunct && (t.text == ")" || t.text == ";")) {
		return nil // no arguments
	}
	position, sawNamed := 0, false
	for {
		name, named := p.argumentName()
		value, present, err := p.parseValue()
		if err != nil {
			return err
		}
		if named {
			sawNamed = true
		} else {
			if sawNamed {
				return fmt.Errorf("procedures: %s: a positional value follows a named one; name every parameter after the first named one", call.Procedure.Name)
			}
			param, err := positionalParam(call.Procedure, position)
			if err != nil {
				return err
			}
			name, position = param, position+1
		}
		if err := setArg(call, name, value, present); err != nil {
			return err
		}
		if !p.isPunct(",") {
			return nil
		}
		p.take()
	}
}

// argumentName reads "Name =", "@Name =" or "Name =>" if present.
func (p *parser) argumentName() (string, bool) {
	t := p.peek()
	if t.kind != tokIdent && t.kind != tokNamedParam {
		return "", false
	}
	after := p.toks[min(p.i+1, len(p.toks)-1)]
	if after.kind != tokPunct || (after.text != "=" && after.text != "=>") {
		return "", false
	}
	p.i += 2
	return t.text, true
}

func positionalParam(proc Procedure, position int) (string, error) {
	inputs := proc.inputs()
	if position >= len(inputs) {
		return "", fmt.Errorf("procedures: %s takes %d parameters (%s), but more values were given", proc.Name, len(inputs), paramNames(inputs))
	}
	return inputs[position].Name, nil
}

func setArg(call *Call, name, value string, present bool) error {
	for _, param := range call.Procedure.inputs() {
		if strings.EqualFold(param.Name, name) {
			if _, dup := call.Args[param.Name]; dup {
				return fmt.Errorf("procedures: %s: parameter %s is given twice", call.Procedure.Name, param.Name)
			}
			if present {
				call.Args[param.Name] = value
			}
			return nil
		}
	}
	return fmt.Errorf("procedures: %s has no parameter %q; its parameters are %s", call.Procedure.Name, name, paramNames(call.Procedure.inputs()))
}

func paramNames(params []Param) string {
	out := make([]string, len(params))
	for i, p := range params {
		out[i] = p.Name
	}
	return strings.Join(out, ", ")
}

// parseValue reads one value; present is false for NULL.
func (p *parser) parseValue() (string, bool, error) {
	t := p.take()
	switch t.kind {
	case tokString, tokNumber:
		return t.text, true, nil
	case tokIdent:
		if strings.EqualFold(t.text, "NULL") {
			return "", false, nil
		}
		if strings.EqualFold(t.text, "TRUE") || strings.EqualFold(t.text, "FALSE") {
			return strings.ToLower(t.text), true, nil
		}
		return "", false, fmt.Errorf("procedures: %q at offset %d is not a value; quote text values like '%s'", t.text, t.pos, t.text)
	case tokPlaceholder:
		return p.positionalArg(t)
	case tokNamedParam:
		return p.namedArg(t)
	}
	p.i--
	return "", false, p.unexpected("a value")
}

func (p *parser) positionalArg(t token) (string, bool, error) {
	p.next++
	for i, a := range p.args {
		if a.Name == "" && a.Ordinal == p.next || (a.Name == "" && a.Ordinal == 0 && i == p.next-1) {
			p.used[i] = true
			return formatValue(a.Value)
		}
	}
	return "", false, fmt.Errorf("procedures: placeholder ? number %d (offset %d) has no argument; pass one value per ?", p.next, t.pos)
}

func (p *parser) namedArg(t token) (string, bool, error) {
	for i, a := range p.args {
		if a.Name != "" && strings.EqualFold(a.Name, t.text) {
			p.used[i] = true
			return formatValue(a.Value)
		}
	}
	return "", false, fmt.Errorf("procedures: parameter @%s has no argument; pass sql.Named(%q, value)", t.text, t.text)
}

// bindUnmentionedNamedArgs lets sql.Named("Verifier", code) set the
// Verifier parameter without writing it in the call.
func (p *parser) bindUnmentionedNamedArgs(call *Call) error {
	for i, a := range p.args {
		if a.Name == "" || p.used[i] {
			continue
		}
		value, present, err := formatValue(a.Value)
		if err != nil {
			return err
		}
		if err := setArg(call, a.Name, value, present); err != nil {
			return err
		}
		p.used[i] = true
	}
	return nil
}

func (p *parser) checkArgsUsed() error {
	for i := range p.args {
		if !p.used[i] {
			return fmt.Errorf("procedures: %d arguments were given but the call uses %d; use one ? per positional argument", len(p.args), len(p.used))
		}
	}
	return nil
}

func (p *parser) unexpected(want string) error {
	t := p.peek()
	if t.kind == tokEOF {
		return fmt.Errorf("procedures: expected %s at the end of the statement", want)
	}
	return fmt.Errorf("procedures: expected %s at offset %d, found %q", want, t.pos, t.text)
}

func formatValue(v any) (string, bool, error) {
	switch x := v.(type) {
	case nil:
		return "", false, nil
	case string:
		return x, true, nil
	case []byte:
		return string(x), true, nil
	case int64:
		return strconv.FormatInt(x, 10), true, nil
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true, nil
	case bool:
		return strconv.FormatBool(x), true, nil
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano), true, nil
	}
	return "", false, fmt.Errorf("procedures: an argument of type %T cannot be passed to a procedure; pass a string", v)
}
