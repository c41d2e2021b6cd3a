using System.Reflection;
using System.Reflection.Emit;
using ActorSockets.Server;

namespace ActorSockets.Tests.Server;

/// <summary>
/// The server library's folders (one namespace each) depend on each other without a cycle, as
/// docs/ARCHITECTURE.md says: read from the compiled library itself, every type a type names in its
/// signatures, fields and method bodies, so the claim is checked, not remembered.
/// </summary>
public sealed class FolderGraphTests
{
    private const string Root = "ActorSockets.Server";

    [Fact]
    public void The_server_librarys_folders_depend_on_each_other_without_a_cycle()
    {
        var graph = FolderGraph.Of(typeof(ServerTuning).Assembly, Root);
        Assert.NotEmpty(graph);
        Assert.Contains("Hosting", graph.Keys); // the composition root is read too
        var cycle = FolderGraph.FindCycle(graph);
        Assert.True(cycle is null, $"folders in a cycle: {string.Join(" -> ", cycle ?? [])}");
    }

    [Fact]
    public void The_check_finds_a_cycle_when_there_is_one()
    {
        var graph = new Dictionary<string, HashSet<string>>
        {
            ["Notes"] = ["(root)"],
            ["Cluster"] = ["Notes", "Hosting"],
            ["Hosting"] = ["Cluster", "Notes"],
        };
        Assert.Equal(["Cluster", "Hosting", "Cluster"], FolderGraph.FindCycle(graph));
        graph["Hosting"].Remove("Cluster");
        Assert.Null(FolderGraph.FindCycle(graph));
    }
}

/// <summary>Which folder of an assembly names which other folder's types.</summary>
internal static class FolderGraph
{
    private static readonly Dictionary<short, OpCode> OpCodes = typeof(System.Reflection.Emit.OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static).Select(field => (OpCode)field.GetValue(null)!)
        .ToDictionary(code => code.Value);

    public static Dictionary<string, HashSet<string>> Of(Assembly assembly, string root)
    {
        var graph = new Dictionary<string, HashSet<string>>();
        foreach (var type in assembly.GetTypes())
        {
            var from = FolderOf(type, root);
            if (from is null)
                continue;
            var uses = graph.TryGetValue(from, out var existing) ? existing : graph[from] = [];
            foreach (var used in Named(type))
            {
                if (FolderOf(used, root) is { } to && to != from)
                    uses.Add(to);
            }
        }
        return graph;
    }

    /// <summary>A cycle as folder names (first repeated at the end), or null.</summary>
    public static List<string>? FindCycle(Dictionary<string, HashSet<string>> graph)
    {
        var state = new Dictionary<string, int>(); // 1: on the path, 2: done
        var path = new List<string>();
        List<string>? Visit(string folder)
        {
            state[folder] = 1;
            path.Add(folder);
            foreach (var next in graph.TryGetValue(folder, out var uses) ? uses.Order() : Enumerable.Empty<string>())
            {
                if (state.GetValueOrDefault(next) == 1)
                    return [.. path.SkipWhile(f => f != next), next];
                if (state.GetValueOrDefault(next) == 0 && Visit(next) is { } found)
                    return found;
            }
            path.RemoveAt(path.Count - 1);
            state[folder] = 2;
            return null;
        }
        foreach (var folder in graph.Keys.Order())
        {
            if (state.GetValueOrDefault(folder) == 0 && Visit(folder) is { } cycle)
                return cycle;
        }
        return null;
    }

    /// <summary>"(root)" for the library's own namespace, the first part below it otherwise; null outside it.</summary>
    private static string? FolderOf(Type type, string root)
    {
        var ns = type.Namespace;
        if (ns is null || !(ns == root || ns.StartsWith(root + ".", StringComparison.Ordinal)))
            return null;
        return ns == root ? "(root)" : ns[(root.Length + 1)..].Split('.')[0];
    }

    private const BindingFlags Everything = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    private static IEnumerable<Type> Named(Type type)
    {
        var named = new List<Type?> { type.BaseType };
        named.AddRange(type.GetInterfaces());
        named.AddRange(type.GetFields(Everything).Select(field => field.FieldType));
        named.AddRange(type.GetProperties(Everything).Select(property => property.PropertyType));
        foreach (var method in type.GetMethods(Everything).Cast<MethodBase>().Concat(type.GetConstructors(Everything)))
        {
            if (method is MethodInfo info)
                named.Add(info.ReturnType);
            named.AddRange(method.GetParameters().Select(parameter => parameter.ParameterType));
            named.AddRange(InBody(method));
        }
        return named.OfType<Type>().SelectMany(Unwrap);
    }

    /// <summary>The types a method's IL names: in calls, field accesses, casts, allocations, typeof.</summary>
    private static IEnumerable<Type> InBody(MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null)
            yield break;
        var module = method.Module;
        var typeArguments = method.DeclaringType?.IsGenericType == true ? method.DeclaringType.GetGenericArguments() : null;
        var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (var at = 0; at < il.Length;)
        {
            var value = il[at] == 0xFE ? (short)(0xFE00 | il[at + 1]) : il[at];
            at += il[at] == 0xFE ? 2 : 1;
            var code = OpCodes[value];
            if (code.OperandType is OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineType or OperandType.InlineTok)
            {
                Type? named = null;
                try
                {
                    named = module.ResolveMember(BitConverter.ToInt32(il, at), typeArguments, methodArguments) switch
                    {
                        Type t => t,
                        MemberInfo member => member.DeclaringType,
                        _ => null,
                    };
                }
                catch (ArgumentException)
                {
                    // A token into another module's generic context: not ours to judge.
                }
                if (named is not null)
                    yield return named;
            }
            at += OperandSize(code, il, at);
        }
    }

    private static int OperandSize(OpCode code, byte[] il, int at) => code.OperandType switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, at),
        _ => 4,
    };

    private static IEnumerable<Type> Unwrap(Type type)
    {
        if (type.HasElementType)
            return Unwrap(type.GetElementType()!);
        return type.IsGenericType ? type.GetGenericArguments().SelectMany(Unwrap).Prepend(type.GetGenericTypeDefinition()) : [type];
    }
}
