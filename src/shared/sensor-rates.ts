import type { TargetId } from './boards'

/**
 * The fastest rate each target's motion sensor delivers as the generated firmware configures it.
 * Reading faster than that returns the same sample again (the Nano's IMU libraries run their own
 * clock), so a project at a higher rate would feed the model repeated samples.
 */
export interface SensorRate {
  maxHz: number
  sensor: string
}

export function sensorRate(target: TargetId, nano33Revision: 'rev1' | 'rev2' = 'rev2'): SensorRate {
  if (target === 'nano33ble') {
    return nano33Revision === 'rev1'
      ? { maxHz: 119, sensor: 'LSM9DS1 (Nano 33 BLE Sense Rev1, Arduino_LSM9DS1 library)' }
      : { maxHz: 100, sensor: 'BMI270 (Nano 33 BLE Sense Rev2, Arduino_BMI270_BMM150 library)' }
  }
  // The MPU6050 with its low-pass filter on (CONFIG 3) outputs 1 kHz.
  return { maxHz: 1000, sensor: 'MPU6050' }
}

/** A warning when the sensor cannot deliver the project's rate, else null. */
export function sensorRateWarning(target: TargetId, rateHz: number, nano33Revision?: 'rev1' | 'rev2'): string | null {
  const s = sensorRate(target, nano33Revision)
  if (rateHz <= s.maxHz * 1.02) return null
  return `The ${s.sensor} delivers at most ${s.maxHz} Hz; this project samples at ${rateHz} Hz, so the firmware would read repeated samples and the model would see other data than it was trained on. Record the project at ${s.maxHz} Hz or less, or pick a board whose sensor is fast enough.`
}
