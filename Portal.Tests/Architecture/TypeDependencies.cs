using Mono.Cecil;

namespace Portal.Tests.Architecture;

/// Which types of an assembly each of its types uses: signatures, attributes, base types and every type, method and
/// field a method body touches (read from the IL with Mono.Cecil, so a `new OtherFeatureThing()` inside a lambda counts
/// too). Compiler-made nested types (lambdas, async state machines, records' helpers) are charged to the type they are
/// nested in.
public sealed class TypeDependencies
{
    private readonly Dictionary<string, HashSet<string>> _uses = [];
    private readonly Dictionary<string, string?> _baseOf = [];

    public static TypeDependencies Of(string assemblyPath)
    {
        var graph = new TypeDependencies();
        using var module = ModuleDefinition.ReadModule(assemblyPath, new ReaderParameters { ReadSymbols = false });
        foreach (var type in module.GetTypes()) graph.Read(type);
        return graph;
    }

    /// Type full name (outermost declaring type, `+` for nesting removed) → the full names of the types it uses.
    public IReadOnlyDictionary<string, HashSet<string>> Uses => _uses;

    /// A Blazor component (a page, dialog or part of one): it derives, through the assembly's own types, from a
    /// component base of ASP.NET Core or MudBlazor.
    public bool IsComponent(string type)
    {
        for (var current = type; current is not null && _baseOf.TryGetValue(current, out var baseType); current = baseType)
        {
            if (baseType is null) return false;
            if (baseType.StartsWith("Microsoft.AspNetCore.Components.", StringComparison.Ordinal) || baseType.StartsWith("MudBlazor.", StringComparison.Ordinal))
                return true;
        }
        return false;
    }

    private void Read(TypeDefinition type)
    {
        var owner = Outermost(type).FullName;
        if (type.DeclaringType is null) _baseOf[owner] = type.BaseType?.FullName;
        if (!_uses.TryGetValue(owner, out var used)) _uses[owner] = used = [];
        void Add(TypeReference? reference)
        {
            while (reference is TypeSpecification spec)
            {
                if (spec is GenericInstanceType generic) foreach (var argument in generic.GenericArguments) Add(argument);
                reference = spec.ElementType;
            }
            if (reference is null || reference is GenericParameter) return;
            var outer = reference;
            while (outer.DeclaringType is not null) outer = outer.DeclaringType;
            used.Add(outer.FullName);
        }
        void Attributes(ICustomAttributeProvider provider)
        {
            if (!provider.HasCustomAttributes) return;
            foreach (var attribute in provider.CustomAttributes)
            {
                Add(attribute.AttributeType);
                foreach (var argument in attribute.ConstructorArguments) if (argument.Value is TypeReference t) Add(t);
            }
        }

        Add(type.BaseType);
        foreach (var i in type.Interfaces) Add(i.InterfaceType);
        Attributes(type);
        foreach (var field in type.Fields) { Add(field.FieldType); Attributes(field); }
        foreach (var property in type.Properties) { Add(property.PropertyType); Attributes(property); }
        foreach (var method in type.Methods)
        {
            Attributes(method);
            Add(method.ReturnType);
            foreach (var parameter in method.Parameters) { Add(parameter.ParameterType); Attributes(parameter); }
            if (!method.HasBody) continue;
            foreach (var variable in method.Body.Variables) Add(variable.VariableType);
            foreach (var instruction in method.Body.Instructions)
            {
                switch (instruction.Operand)
                {
                    case TypeReference t: Add(t); break;
                    case MethodReference m:
                        Add(m.DeclaringType);
                        Add(m.ReturnType);
                        foreach (var p in m.Parameters) Add(p.ParameterType);
                        if (m is GenericInstanceMethod gm) foreach (var a in gm.GenericArguments) Add(a);
                        break;
                    case FieldReference f: Add(f.DeclaringType); Add(f.FieldType); break;
                }
            }
        }
    }

    private static TypeDefinition Outermost(TypeDefinition type)
    {
        while (type.DeclaringType is not null) type = type.DeclaringType;
        return type;
    }
}
