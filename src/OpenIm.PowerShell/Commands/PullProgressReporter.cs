using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using OpenIm.PowerShell.Engine;

namespace OpenIm.PowerShell.Commands
{
    /// <summary>
    /// Turns pull progress into progress records: one per image and engine, with a child per layer
    /// (bytes done of total). The bridge throttles them; every record is completed at the end.
    /// </summary>
    internal sealed class PullProgressReporter
    {
        // Activity ids of images start here; layers get ids above them so the two never collide.
        private const int ImageBase = 1000;
        private const int LayerBase = 100000;

        private readonly PipelineBridge _bridge;
        private readonly ConcurrentDictionary<int, Activity> _activities = new ConcurrentDictionary<int, Activity>();
        private int _nextLayerId = LayerBase;

        public PullProgressReporter(PipelineBridge bridge)
        {
            _bridge = bridge;
        }

        public int Start(int slot, PullPlan plan, string engine)
        {
            var id = ImageBase + slot;
            _activities[id] = new Activity($"Pulling {plan.LocalReference}", engine);
            _bridge.Progress(new ProgressRecord(id, $"Pulling {plan.LocalReference}", $"onto {engine}: resolving"));
            return id;
        }

        public void Report(int id, PullProgress progress)
        {
            if (!_activities.TryGetValue(id, out var activity))
            {
                return;
            }

            var total = progress.Total;
            var current = progress.Current;
            var status = $"from {progress.Registry.Name} onto {progress.Engine}: {Size(current)} of {Size(total)}";
            var record = new ProgressRecord(id, activity.Title, status)
            {
                PercentComplete = total > 0 ? (int)Math.Min(100, current * 100 / total) : -1,
            };
            _bridge.Progress(record);

            foreach (var layer in progress.Layers)
            {
                var layerId = activity.Layers.GetOrAdd(
                    layer.Layer,
                    _ => System.Threading.Interlocked.Increment(ref _nextLayerId));
                _bridge.Progress(new ProgressRecord(layerId, "Layer " + layer.Layer, layer.Status +
                    (layer.Total > 0 ? $" {Size(layer.Current)} of {Size(layer.Total)}" : string.Empty))
                {
                    ParentActivityId = id,
                    PercentComplete = layer.Total > 0 ? (int)Math.Min(100, layer.Current * 100 / layer.Total) : -1,
                });
            }
        }

        public void Complete(int id)
        {
            if (!_activities.TryRemove(id, out var activity))
            {
                return;
            }

            foreach (var layerId in activity.Layers.Values)
            {
                _bridge.Progress(new ProgressRecord(
                    layerId,
                    "Layer",
                    "done") { ParentActivityId = id, RecordType = ProgressRecordType.Completed });
            }

            _bridge.Progress(new ProgressRecord(
                id,
                activity.Title,
                "done") { RecordType = ProgressRecordType.Completed });
        }

        public void CompleteAll()
        {
            foreach (var id in _activities.Keys.ToList())
            {
                Complete(id);
            }
        }

        private static string Size(long bytes)
        {
            if (bytes >= 1L << 30)
            {
                return $"{bytes / (double)(1L << 30):0.0} GB";
            }

            if (bytes >= 1L << 20)
            {
                return $"{bytes / (double)(1L << 20):0.0} MB";
            }

            return bytes >= 1024 ? $"{bytes / 1024.0:0.0} KB" : $"{bytes} B";
        }

        private sealed class Activity
        {
            public Activity(string title, string engine)
            {
                Title = title;
                Engine = engine;
            }

            public string Title { get; }

            public string Engine { get; }

            public ConcurrentDictionary<string, int> Layers { get; } = new ConcurrentDictionary<string, int>();
        }
    }
}
