// The current Braze Web SDK as a page would bundle it for session tracking.
import { initialize, openSession, changeUser, requestImmediateDataFlush } from '@braze/web-sdk';
window.braze = { initialize, openSession, changeUser, requestImmediateDataFlush };
