using NestedHvDashboard.Simulator.HyperV;

namespace NestedHvDashboard.Simulator.State;

/// <summary>The moving numbers of a VM: deterministic functions of its id and the time.</summary>
internal static class VmMetrics
{
    public static int CpuUsage(SimulatedVm vm, DateTimeOffset now)
    {
        var state = vm.StateAt(now);
        if (state == VMState.Starting)
        {
            return 35;
        }

        if (state != VMState.Running)
        {
            return 0;
        }

        // A slow wave plus per-2-second noise, both seeded by the VM id: every reader agrees.
        var seconds = now.ToUnixTimeMilliseconds() / 1000.0;
        var seed = SimulatedHost.StableHash(vm.Id.ToString());
        var phase = seed % 628 / 100.0;
        var wave = Math.Sin((seconds / 30.0) + phase) * Math.Max(3, vm.CpuBaseline / 3.0);
        var tick = (long)(seconds / 2);
        var noise = (int)(SimulatedHost.StableHash($"{seed}:{tick}") % 9) - 4;
        return Math.Clamp((int)Math.Round(vm.CpuBaseline + wave + noise), 0, 100);
    }

    public static long MemoryAssigned(SimulatedVm vm, DateTimeOffset now)
    {
        var state = vm.StateAt(now);
        if (state is not (VMState.Running or VMState.Paused or VMState.Starting or VMState.Stopping or VMState.Saving))
        {
            return 0;
        }

        if (!vm.DynamicMemoryEnabled)
        {
            return vm.MemoryStartupBytes;
        }

        // Dynamic memory follows the load, in whole megabytes between minimum and maximum.
        var cpu = CpuUsage(vm, now);
        var wanted = vm.MemoryStartupBytes * (0.8 + (cpu / 100.0));
        var clamped = Math.Clamp((long)wanted, vm.MemoryMinimumBytes, Math.Max(vm.MemoryMinimumBytes, vm.MemoryMaximumBytes));
        return clamped / (1024 * 1024) * (1024 * 1024);
    }

    public static TimeSpan Uptime(SimulatedVm vm, DateTimeOffset now)
    {
        var state = vm.StateAt(now);
        if (state is not (VMState.Running or VMState.Paused) || vm.RunningSince is not { } since || now < since)
        {
            return TimeSpan.Zero;
        }

        var uptime = now - since;
        return TimeSpan.FromSeconds(Math.Floor(uptime.TotalSeconds));
    }
}
