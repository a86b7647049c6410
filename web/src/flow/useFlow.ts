// Binds a view to its FlowController's state.

import { useEffect, useSyncExternalStore } from 'react';
import type { FlowController, FlowState } from './controller';

export function useFlow<R>(controller: FlowController<R>): FlowState<R> {
  useEffect(() => controller.init(), [controller]);
  return useSyncExternalStore(controller.subscribe, controller.getSnapshot);
}
