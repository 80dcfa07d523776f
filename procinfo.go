package msteams

import (
	"github.com/teamsql/msteams/planner"
	"github.com/teamsql/msteams/procedures"
)

// procedureInfo describes the stored procedures for the planner's
// sys_procedures and sys_procedureparameters tables.
var procedureInfo = func() []planner.ProcedureInfo {
	var out []planner.ProcedureInfo
	for _, p := range procedures.All() {
		info := planner.ProcedureInfo{Name: p.Name, Description: p.Description}
		for _, param := range p.Params {
			info.Params = append(info.Params, planner.ProcedureParam{
				Name: param.Name, Type: param.Type, Description: param.Description, Default: param.Default,
				Output: param.Direction == procedures.Out, Required: param.Required,
			})
		}
		out = append(out, info)
	}
	return out
}()
