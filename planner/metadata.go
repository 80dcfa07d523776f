package planner

import (
	"context"
	"database/sql/driver"
	"fmt"
	"strings"

	"github.com/teamsql/msteams/schema"
	"github.com/xwb1989/sqlparser"
)

// ProcedureInfo describes a stored procedure for sys_procedures and
// sys_procedureparameters; the root package fills it from package procedures.
type ProcedureInfo struct {
	Name, Description string
	Params            []ProcedureParam
}

// ProcedureParam is one input or output of a procedure.
type ProcedureParam struct {
	Name, Type, Description, Default string
	Output, Required                 bool
}

// catalogName and schemaName are what metadata tables report, as CData's do.
const (
	catalogName = "msteams"
	schemaName  = "MSTeams"
)

// localTable is a table the driver answers itself (system and
// INFORMATION_SCHEMA tables), from the catalog rather than from Graph.
type localTable struct {
	table *schema.Table
	rows  func(opts Options) [][]driver.Value
}

func (lt *localTable) plan(opts Options) sourcePlan { return &localScan{lt: lt, opts: opts} }

type localScan struct {
	lt   *localTable
	opts Options
}

func (ls *localScan) open(Fetcher) rowIter {
	return &materialized{load: func(context.Context) ([][]driver.Value, error) { return ls.lt.rows(ls.opts), nil }}
}

func (ls *localScan) explain(indent string) []string {
	return []string{indent + "driver: list " + ls.lt.table.Name + " from the catalog (no Graph request)"}
}

func cols(specs ...string) []schema.Column {
	out := make([]schema.Column, len(specs))
	for i, spec := range specs {
		name, typ, _ := strings.Cut(spec, ":")
		out[i] = schema.Column{Name: name, Type: map[string]schema.Type{"": schema.String, "int": schema.Int, "bool": schema.Bool}[typ], Nullable: true}
	}
	return out
}

var localTables = map[string]*localTable{}

func addLocal(name, doc string, columns []schema.Column, rows func(Options) [][]driver.Value) {
	t := &schema.Table{Name: name, Doc: doc, Columns: columns, ListPath: "(driver)"}
	localTables[strings.ToLower(name)] = &localTable{table: t, rows: rows}
}

func localTableFor(t *schema.Table) (*localTable, bool) {
	lt, ok := localTables[strings.ToLower(t.Name)]
	return lt, ok && lt.table == t
}

// lookupTable finds a Graph table or a local one; INFORMATION_SCHEMA.X is
// spelled with its qualifier.
func lookupTable(name sqlparser.TableName, cat *schema.Catalog) (*schema.Table, error) {
	full := name.Name.String()
	if q := name.Qualifier.String(); q != "" {
		full = q + "." + full
	}
	if lt, ok := localTables[strings.ToLower(full)]; ok {
		return lt.table, nil
	}
	if t, ok := cat.Table(full); ok {
		return t, nil
	}
	return nil, unknownTable(full, cat)
}

func init() {
	addLocal("sys_tables", "Every table, as CData's sys_tables.",
		cols("CatalogName", "SchemaName", "TableName", "TableType", "Description", "IsUpdateable:bool", "GraphPath", "Permission"), sysTables)
	addLocal("sys_tablecolumns", "Every column of every table.",
		cols("CatalogName", "SchemaName", "TableName", "ColumnName", "DataTypeName", "Ordinal:int", "IsNullable:bool", "IsKey:bool", "IsReadOnly:bool", "Pushdown", "GraphProperty", "Description"), sysTableColumns)
	addLocal("sys_keycolumns", "Key columns, and the parent table each foreign key refers to.",
		cols("CatalogName", "SchemaName", "TableName", "ColumnName", "IsKey:bool", "IsForeignKey:bool", "ReferencedTableName", "ReferencedColumnName"), sysKeyColumns)
	addLocal("sys_procedures", "Stored procedures (call them with EXEC, EXECUTE or CALL).",
		cols("CatalogName", "SchemaName", "ProcedureName", "Description", "ProcedureType"), sysProcedures)
	addLocal("sys_procedureparameters", "Parameters and result columns of stored procedures.",
		cols("CatalogName", "SchemaName", "ProcedureName", "ColumnName", "Direction:int", "DataTypeName", "Ordinal:int", "IsRequired:bool", "Default", "Description"), sysProcedureParameters)
	addLocal("INFORMATION_SCHEMA.TABLES", "Tables, in the SQL standard's shape.",
		cols("TABLE_CATALOG", "TABLE_SCHEMA", "TABLE_NAME", "TABLE_TYPE"), infoTables)
	// SELECT without FROM (SELECT 1, SELECT NOW()) reads MySQL's one-row
	// table dual, which is how BI tools check a connection.
	addLocal("dual", "One row, no columns: the table of SELECT without FROM.", nil,
		func(Options) [][]driver.Value { return [][]driver.Value{{}} })
	addLocal("INFORMATION_SCHEMA.COLUMNS", "Columns, in the SQL standard's shape.",
		cols("TABLE_CATALOG", "TABLE_SCHEMA", "TABLE_NAME", "COLUMN_NAME", "ORDINAL_POSITION:int", "IS_NULLABLE", "DATA_TYPE", "COLUMN_KEY"), infoColumns)
}

// allTables lists the Graph tables then the local ones, each sorted by name.
func allTables(opts Options) []*schema.Table {
	tables := opts.catalog().Tables()
	for _, name := range []string{"sys_tables", "sys_tablecolumns", "sys_keycolumns", "sys_procedures", "sys_procedureparameters", "INFORMATION_SCHEMA.TABLES", "INFORMATION_SCHEMA.COLUMNS"} {
		tables = append(tables, localTables[strings.ToLower(name)].table)
	}
	return tables
}

func (o Options) catalog() *schema.Catalog {
	if o.Catalog == nil {
		return schema.Default
	}
	return o.Catalog
}

func tableType(t *schema.Table) string {
	if _, local := localTableFor(t); local {
		return "SYSTEM TABLE"
	}
	return "TABLE"
}

func sysTables(opts Options) [][]driver.Value {
	var rows [][]driver.Value
	for _, t := range allTables(opts) {
		path := t.ListPath
		if _, local := localTableFor(t); local {
			path = ""
		}
		rows = append(rows, []driver.Value{catalogName, schemaName, t.Name, tableType(t), t.Doc, false, nullIfEmpty(path), nullIfEmpty(t.Permission)})
	}
	return rows
}

func sysTableColumns(opts Options) [][]driver.Value {
	var rows [][]driver.Value
	for _, t := range allTables(opts) {
		for i, c := range t.Columns {
			rows = append(rows, []driver.Value{catalogName, schemaName, t.Name, c.Name, c.Type.DatabaseTypeName(), int64(i + 1),
				c.Nullable, c.Key, true, nullIfEmpty(t.Pushdown(&c)), nullIfEmpty(c.Property), nullIfEmpty(c.Doc)})
		}
	}
	return rows
}

func sysKeyColumns(opts Options) [][]driver.Value {
	var rows [][]driver.Value
	for _, t := range opts.catalog().Tables() {
		for _, c := range t.Columns {
			if !c.Key {
				continue
			}
			var refTable, refCol driver.Value
			if t.Parent != nil {
				if from, ok := t.Parent.Supplies(c.Name); ok {
					refTable, refCol = t.Parent.Table, from
				}
			}
			rows = append(rows, []driver.Value{catalogName, schemaName, t.Name, c.Name, refTable == nil, refTable != nil, refTable, refCol})
		}
	}
	return rows
}

func sysProcedures(opts Options) [][]driver.Value {
	var rows [][]driver.Value
	for _, p := range opts.Procedures {
		rows = append(rows, []driver.Value{catalogName, schemaName, p.Name, p.Description, "PROCEDURE"})
	}
	return rows
}

// CData's Direction codes: 1 input, 4 output.
func sysProcedureParameters(opts Options) [][]driver.Value {
	var rows [][]driver.Value
	for _, p := range opts.Procedures {
		for i, param := range p.Params {
			direction := int64(1)
			if param.Output {
				direction = 4
			}
			rows = append(rows, []driver.Value{catalogName, schemaName, p.Name, param.Name, direction, param.Type, int64(i + 1), param.Required, nullIfEmpty(param.Default), nullIfEmpty(param.Description)})
		}
	}
	return rows
}

func infoTables(opts Options) [][]driver.Value {
	var rows [][]driver.Value
	for _, t := range allTables(opts) {
		kind := "BASE TABLE"
		if tableType(t) != "TABLE" {
			kind = "SYSTEM VIEW"
		}
		rows = append(rows, []driver.Value{catalogName, schemaName, t.Name, kind})
	}
	return rows
}

func infoColumns(opts Options) [][]driver.Value {
	var rows [][]driver.Value
	for _, t := range allTables(opts) {
		for i, c := range t.Columns {
			nullable, key := "NO", ""
			if c.Nullable {
				nullable = "YES"
			}
			if c.Key {
				key = "PRI"
			}
			rows = append(rows, []driver.Value{catalogName, schemaName, t.Name, c.Name, int64(i + 1), nullable, c.Type.DatabaseTypeName(), key})
		}
	}
	return rows
}

func nullIfEmpty(s string) driver.Value {
	if s == "" {
		return nil
	}
	return s
}

// rewriteShow turns SHOW TABLES, DESCRIBE t and SHOW COLUMNS FROM t into
// queries on the system tables; ok is false for other statements.
func rewriteShow(sql string) (string, bool, error) {
	words := strings.Fields(strings.TrimRight(strings.TrimSpace(sql), ";"))
	if len(words) == 0 {
		return "", false, nil
	}
	upper := make([]string, len(words))
	for i, w := range words {
		upper[i] = strings.ToUpper(w)
	}
	switch {
	case len(words) == 2 && upper[0] == "SHOW" && upper[1] == "TABLES":
		return "SELECT TableName, TableType, Description FROM sys_tables ORDER BY TableType DESC, TableName", true, nil
	case (upper[0] == "DESCRIBE" || upper[0] == "DESC") && len(words) == 2:
		return describeQuery(words[1])
	case len(words) == 4 && upper[0] == "SHOW" && upper[1] == "COLUMNS" && (upper[2] == "FROM" || upper[2] == "IN"):
		return describeQuery(words[3])
	}
	return "", false, nil
}

func describeQuery(table string) (string, bool, error) {
	name := strings.Trim(table, "`[]\"")
	if strings.ContainsAny(name, `'\`) {
		return "", false, fmt.Errorf("DESCRIBE: bad table name %q", table)
	}
	return fmt.Sprintf("SELECT ColumnName, DataTypeName, IsNullable, IsKey, Pushdown, Description FROM sys_tablecolumns WHERE TableName = '%s' ORDER BY Ordinal", name), true, nil
}
