import { Foundation1764165600000 } from './1764165600000-Foundation.js';
import { Registrations1764180000000 } from './1764180000000-Registrations.js';
import { CaseNotes1764190000000 } from './1764190000000-CaseNotes.js';
import { Billing1764200000000 } from './1764200000000-Billing.js';
import { RegistrationStatements1764210000000 } from './1764210000000-RegistrationStatements.js';
import { OutboxRecovery1764300000000 } from './1764300000000-OutboxRecovery.js';
import { RegistrationLockOrder1764320000000 } from './1764320000000-RegistrationLockOrder.js';
import { PricesPeriodsAndBillingUnits1764400000000 } from './1764400000000-PricesPeriodsAndBillingUnits.js';
import { PaymentsAndRemittances1764410000000 } from './1764410000000-PaymentsAndRemittances.js';
import { TermCorrections1764420000000 } from './1764420000000-TermCorrections.js';
import { SearchAndPromotedOnWithdrawal1764430000000 } from './1764430000000-SearchAndPromotedOnWithdrawal.js';
import { ComplianceRegister1764440000000 } from './1764440000000-ComplianceRegister.js';
import { SessionCancellation1764440000001 } from './1764440000001-SessionCancellation.js';
import { ConsentsAndStaffing1764440000002 } from './1764440000002-ConsentsAndStaffing.js';
import { Referrals1764460000000 } from './1764460000000-Referrals.js';
import { EqualityMonitoring1764460000001 } from './1764460000001-EqualityMonitoring.js';
import { Outcomes1764460000002 } from './1764460000002-Outcomes.js';
import { CancelledSessionCredits1764470000000 } from './1764470000000-CancelledSessionCredits.js';
import { Notifications1764480000000 } from './1764480000000-Notifications.js';
import { DocumentStatus1764495000000 } from './1764495000000-DocumentStatus.js';
import { WaitlistPosition1764495000001 } from './1764495000001-WaitlistPosition.js';
import { TokenChangeNotices1764512120000 } from './1764512120000-TokenChangeNotices.js';
import { LateJoiner1764540000000 } from './1764540000000-LateJoiner.js';
import { DocumentCovers1764540000001 } from './1764540000001-DocumentCovers.js';
import { ReminderDue1764540000002 } from './1764540000002-ReminderDue.js';
import { RegisterParticipant1764550000000 } from './1764550000000-RegisterParticipant.js';
import { LateJoinerInMoneyFunctions1764560000000 } from './1764560000000-LateJoinerInMoneyFunctions.js';

/** Every migration, in order (by its epoch). Add new ones at the end, one per line. */
export const MIGRATIONS = [
  Foundation1764165600000,
  Registrations1764180000000,
  CaseNotes1764190000000,
  Billing1764200000000,
  RegistrationStatements1764210000000,
  OutboxRecovery1764300000000,
  RegistrationLockOrder1764320000000,
  PricesPeriodsAndBillingUnits1764400000000,
  PaymentsAndRemittances1764410000000,
  TermCorrections1764420000000,
  SearchAndPromotedOnWithdrawal1764430000000,
  ComplianceRegister1764440000000,
  SessionCancellation1764440000001,
  ConsentsAndStaffing1764440000002,
  Referrals1764460000000,
  EqualityMonitoring1764460000001,
  Outcomes1764460000002,
  CancelledSessionCredits1764470000000,
  Notifications1764480000000,
  DocumentStatus1764495000000,
  WaitlistPosition1764495000001,
  TokenChangeNotices1764512120000,
  LateJoiner1764540000000,
  DocumentCovers1764540000001,
  ReminderDue1764540000002,
  RegisterParticipant1764550000000,
  LateJoinerInMoneyFunctions1764560000000,
];
